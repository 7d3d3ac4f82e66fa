"""glossary: the notes' terms, English ↔ Vietnamese, and what the Vietnamese pages must not say.

Each entry: the English term as the notes use it, the Vietnamese term these pages use, the
translation of the course's Vietnamese page where it differs, and the calques to avoid. The
glossary page is built from this table, and the tests hold every Vietnamese page to it: where the
English page uses a term, the Vietnamese page uses its translation, and no page uses an avoided one.
"""
from __future__ import annotations

from dataclasses import dataclass

from .blocks import Writer


@dataclass(frozen=True)
class Term:
    en: str
    vi: str
    notes_vi: str = ""          # the course page's translation, where ours differs
    avoid: tuple[str, ...] = ()  # calques and mistranslations no page may use
    exact: bool = False          # a name (Add, Duplicate): the English matched with its capital


GLOSSARY = (
    Term("backpropagation", "lan truyền ngược", avoid=("backpropagating",)),
    Term("forward pass", "lượt truyền xuôi", "chuyển tiếp"),
    Term("backward pass", "lượt lan truyền ngược"),
    Term("gradient", "gradient", "độ dốc", avoid=("độ dốc",)),
    Term("vanishing gradient", "gradient tiêu biến", "độ dốc biến mất",
         avoid=("gradient biến mất", "dộ dốc")),
    Term("Jacobian", "ma trận Jacobian"),
    Term("chain rule", "quy tắc chuỗi"),
    Term("cost", "hàm chi phí"),
    Term("loss", "mất mát"),
    Term("partial derivative", "đạo hàm riêng"),
    Term("derivation", "quá trình tính đạo hàm", avoid=("phép suy ra",)),
    Term("the notes", "bài giảng", "bài viết", avoid=("bài viết",)),
    Term("module", "mô-đun"),
    Term("Duplicate", "Bản sao", avoid=("Nhân bản", "nhân bản"), exact=True),
    Term("Add", "Cộng", "Thêm", exact=True),
    Term("activation function", "hàm kích hoạt", "chức năng kích hoạt", avoid=("chức năng kích hoạt",)),
    Term("saturate", "bão hòa"),
    Term("cross-entropy", "entropy chéo"),
    Term("stochastic gradient descent", "hạ gradient ngẫu nhiên", "giảm độ dốc ngẫu nhiên",
         avoid=("giảm độ dốc",)),
    Term("learning rate", "tốc độ học", "tỷ lệ học tập", avoid=("tỷ lệ học tập", "tốc độ học tập")),
    Term("schedule", "lịch trình"),
    Term("weight", "trọng số", "trọng lượng", avoid=("trọng lượng",)),
    Term("weight decay", "suy giảm trọng số", "giảm trọng lượng", avoid=("giảm trọng lượng",)),
    Term("regularisation", "điều chuẩn", "chính quy hóa / điều hòa", avoid=("chính quy hóa", "điều hòa")),
    Term("normalisation", "chuẩn hóa"),
    Term("initialisation", "khởi tạo"),
    Term("epoch", "epoch", "kỷ nguyên", avoid=("kỷ nguyên",)),
    Term("minibatch", "minibatch"),
    Term("mean", "trung bình"),
    Term("variance", "phương sai"),
    Term("standard deviation", "độ lệch chuẩn"),
    Term("probability mass", "xác suất", avoid=("khối lượng",)),
    Term("seeded", "seed cố định", avoid=("hạt giống",)),
    Term("kink", "điểm gãy"),
    Term("subgradient", "dưới gradient"),
    Term("finite differences", "sai phân hữu hạn"),
    Term("elementwise", "từng phần tử"),
    Term("upstream gradient", "gradient truyền từ phía trên"),
    Term("vector-Jacobian product", "tích vectơ–Jacobian"),
    Term("directed acyclic graph", "đồ thị có hướng không chu trình", "đồ thị xoay chiều có hướng",
         avoid=("xoay chiều",)),
    Term("worked example", "ví dụ bằng số"),
    Term("exercise", "bài tập"),
    Term("key result", "kết quả chính"),
)


def glossary_blocks(lang: str) -> list:
    w = Writer(lang)
    w.para("glossary.about")
    rows = [[t.en, t.vi, t.notes_vi or "—", ", ".join(t.avoid) or "—"] for t in GLOSSARY]
    w.table(["glossary.col.en", "glossary.col.vi", "glossary.col.notes", "glossary.col.avoid"], rows)
    return w.blocks
