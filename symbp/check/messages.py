"""check.messages: the verdicts and diagnoses of ``symbp check``, in English and Vietnamese.

One table per language with the same keys; ``{0}``, ``{1}`` are filled in order.
"""
from __future__ import annotations

LANGUAGES = ("en", "vi")

EN = {
    "diagnosis.sign": "sign flipped: it is −1 × the gradient",
    "diagnosis.twice": "a factor of 2 too many: it is 2 × the gradient",
    "diagnosis.half": "a factor of 2 missing: it is ½ × the gradient",
    "diagnosis.missing_mean": "missing the 1/{1} of a mean: it is {0} × the gradient",
    "diagnosis.extra_mean": "divided by {0} once too often: it is the gradient / {1}",
    "diagnosis.transposed": "transposed: it is the transpose of the gradient",
    "diagnosis.unsummed": "not summed over the batch: summed over its axis of size {0} it is the "
                          "gradient",
    "diagnosis.unsummed_branches": "the branches' gradients are not summed: summed over its axis "
                                   "of size {0} it is the gradient",
    "diagnosis.branch": "wrong branch: it is the derivative with the branches of {0} exchanged",
    "diagnosis.kink": "not a subgradient at the kink {0}: there it is not between the two one-sided "
                      "derivatives",

    "verdict.header": "{0}, gradient with respect to {1}: {2}",
    "verdict.correct.symbolic": "correct — proved by SymPy: your answer equals the derivative in "
                                "index form, for every size.",
    "verdict.correct.numeric": "correct — equal to the derivative at {0} random points (sizes {1}) "
                               "to 35 significant digits; SymPy could not decide it symbolically "
                               "within its budget.",
    "verdict.correct.kink": "correct — equal to the derivative at {0} random points (sizes {1}) "
                            "to 35 significant digits, away from the kink {2}; on it your answer "
                            "takes another one-sided derivative than symbp's convention, and both "
                            "are subgradients.",
    "verdict.wrong": "wrong.",
    "verdict.shape": "wrong shape: your answer has shape {0}, the gradient with respect to {1} has "
                     "shape {2}.",
    "verdict.mismatch": "wrong shape: {0}.",
    "verdict.counterexample": "A counterexample, at the smallest sizes where they differ ({0}):",
    "verdict.answer": "your answer",
    "verdict.expected": "the derivative",
    "verdict.differ": "entries that differ",
    "verdict.diagnosis": "diagnosis",
    "verdict.kink": "On the kink {0} (the one-sided derivatives are {1} and {2}):",
    "verdict.undefined": "your answer is not a real number there{0}: a logarithm or square root "
                         "of a negative number, or a division by zero.",
    "verdict.undefined.kink": "your answer is undefined on the kink {1}{0}, where a subgradient is "
                              "needed (a value between the two one-sided derivatives): a division "
                              "by zero, or a logarithm or square root of a negative number.",
    "verdict.entries": " (entries {0})",
    "verdict.difference": "  (they differ beyond float64's 17 digits: relative difference {0})",
}

VI = {
    "diagnosis.sign": "ngược dấu: kết quả bằng −1 × gradient",
    "diagnosis.twice": "thừa một thừa số 2: kết quả bằng 2 × gradient",
    "diagnosis.half": "thiếu một thừa số 2: kết quả bằng ½ × gradient",
    "diagnosis.missing_mean": "thiếu thừa số 1/{1} của phép lấy trung bình: kết quả bằng {0} × "
                              "gradient",
    "diagnosis.extra_mean": "chia cho {0} thừa một lần: kết quả bằng gradient / {1}",
    "diagnosis.transposed": "bị chuyển vị: kết quả là chuyển vị của gradient",
    "diagnosis.unsummed": "chưa lấy tổng theo batch: lấy tổng theo trục có kích thước {0} thì "
                          "được đúng gradient",
    "diagnosis.unsummed_branches": "chưa cộng gradient của các nhánh: lấy tổng theo trục có kích "
                                   "thước {0} thì được đúng gradient",
    "diagnosis.branch": "sai nhánh: kết quả là đạo hàm khi đổi chỗ hai nhánh của {0}",
    "diagnosis.kink": "không phải một dưới gradient (subgradient) tại điểm gãy {0}: tại đó giá trị "
                      "không nằm giữa hai đạo hàm một phía",

    "verdict.header": "{0}, gradient theo {1}: {2}",
    "verdict.correct.symbolic": "đúng — SymPy chứng minh: câu trả lời của bạn bằng đạo hàm ở dạng "
                                "chỉ số, với mọi kích thước.",
    "verdict.correct.numeric": "đúng — bằng đạo hàm tại {0} điểm ngẫu nhiên (kích thước {1}) tới 35 "
                               "chữ số có nghĩa; SymPy không tự quyết định được bằng ký hiệu trong "
                               "giới hạn tính toán cho phép.",
    "verdict.correct.kink": "đúng — bằng đạo hàm tại {0} điểm ngẫu nhiên (kích thước {1}) tới 35 "
                            "chữ số có nghĩa, ngoài điểm gãy {2}; tại điểm gãy đó câu trả lời của "
                            "bạn lấy một đạo hàm một phía khác với quy ước của symbp, và cả hai đều "
                            "là dưới gradient.",
    "verdict.wrong": "sai.",
    "verdict.shape": "sai hình dạng: câu trả lời của bạn có hình dạng {0}, còn gradient theo {1} "
                     "có hình dạng {2}.",
    "verdict.mismatch": "sai hình dạng: {0}.",
    "verdict.counterexample": "Một phản ví dụ, ở các kích thước nhỏ nhất mà hai bên khác nhau ({0}):",
    "verdict.answer": "câu trả lời của bạn",
    "verdict.expected": "đạo hàm",
    "verdict.differ": "các phần tử khác nhau",
    "verdict.diagnosis": "chẩn đoán",
    "verdict.kink": "Tại điểm gãy {0} (hai đạo hàm một phía là {1} và {2}):",
    "verdict.undefined": "câu trả lời của bạn không phải là số thực tại đó{0}: logarit hay căn bậc "
                         "hai của một số âm, hoặc phép chia cho 0.",
    "verdict.undefined.kink": "câu trả lời của bạn không xác định tại điểm gãy {1}{0}, trong khi tại "
                              "đó cần một dưới gradient (một giá trị nằm giữa hai đạo hàm một phía): "
                              "phép chia cho 0, hoặc logarit hay căn bậc hai của một số âm.",
    "verdict.entries": " (các phần tử {0})",
    "verdict.difference": "  (hai bên khác nhau ngoài 17 chữ số của float64: sai khác tương đối "
                          "{0})",
}

TABLES = {"en": EN, "vi": VI}


def message(lang: str, key: str, *args) -> str:
    if lang not in TABLES:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return TABLES[lang][key].format(*args)
