"""Vietnamese prose of the documents (văn bản tiếng Việt)."""

STRINGS = {
    # front matter and index
    "lang": "vi",
    "site.title": "{title}: suy ra lượt lan truyền ngược",
    "index.title": "symbp — đạo hàm của các mô-đun mạng nơ-ron trong khóa học",
    "index.intro": "Mỗi trang suy ra lượt lan truyền ngược của một mô-đun từ định nghĩa lượt "
                   "truyền xuôi của nó bằng SymPy, kiểm tra kết quả bằng sai phân hữu hạn, và trình "
                   "bày mã numpy được sinh ra từ đó. Ngoài lượt truyền xuôi, không công thức nào trên "
                   "các trang này được gõ bằng tay.",
    "index.module": "mô-đun",
    "index.pages": "các trang",
    "index.status": "kiểm chứng",
    "index.error": "sai số tương đối lớn nhất",
    "index.verified": "đạt",
    "index.failed": "KHÔNG ĐẠT",
    "index.figures": "Hình vẽ",
    "index.books": "Sách (LaTeX)",
    "book.title": "Lan truyền ngược bằng tính toán ký hiệu: đạo hàm của các mô-đun mạng nơ-ron",
    "book.author": "do symbp sinh ra từ định nghĩa lượt truyền xuôi",

    # trang web tĩnh (output/site) và symbp serve
    "site.language": "Tiếng Việt",
    "site.index": "Mục lục",
    "site.page": "trang",
    "site.prev": "Trang trước",
    "site.next": "Trang sau",
    "site.notebook": "Trang này dưới dạng notebook (suy ra, chạy, kiểm tra, vẽ đồ thị, bài tập)",
    "site.generated": "Do symbp {version} sinh ra từ định nghĩa lượt truyền xuôi; công thức được KaTeX hiển thị.",
    "site.section.module": "Các mô-đun",
    "site.section.rule": "Các quy tắc cập nhật",
    "site.section.network": "Các mạng",
    "site.section.notes": "Các mẹo thực hành",

    # symbp serve
    "serve.title": "symbp serve — gõ lượt truyền xuôi, đọc lượt truyền ngược",
    "serve.intro": "Gõ lượt truyền xuôi của một mô-đun; symbp dùng SymPy suy ra lượt truyền ngược, "
                   "kiểm tra bằng sai phân hữu hạn và in ra mã numpy. Những gì bạn gõ được phân tích "
                   "theo một danh sách cho phép, không bao giờ được thực thi.",
    "serve.expr": "Biểu thức lượt truyền xuôi",
    "serve.shapes": "Kích thước, mỗi dòng một đầu vào: `VAR=d1,d2` (bỏ trống: theo từng phần tử của `x`)",
    "serve.params": "Tham số, mỗi dòng một tham số: `P=VALUE`",
    "serve.name": "Tên mô-đun",
    "serve.lang": "Ngôn ngữ",
    "serve.submit": "Suy ra",
    "serve.examples": "Ví dụ",
    "serve.result": "Phần suy ra của",
    "serve.verification": "Kiểm tra bằng số",
    "serve.module_code": "Mô-đun numpy được sinh ra, để sao chép",
    "serve.copy": "Sao chép",
    "serve.answer_title": "Kiểm tra câu trả lời của tôi",
    "serve.answer_intro": "Công thức của bạn cho $\\partial C / \\partial x$ trong cùng ngôn ngữ biểu "
                          "thức, với `g` là gradient từ phía trên, `y` là đầu ra, cùng các đầu vào và "
                          "tham số — ví dụ `g * y * (1 - y)`.",
    "serve.wrt": "Theo đầu vào",
    "serve.answer": "Câu trả lời của bạn",
    "serve.correct": "Đúng: nó bằng đạo hàm tại mọi điểm đã thử.",
    "serve.wrong": "Chưa phải đạo hàm. Một phản ví dụ:",
    "serve.footer": "symbp serve: mỗi yêu cầu chạy trong một tiến trình riêng, có giới hạn thời gian và bộ nhớ.",

    # các notebook (output/notebooks)
    "nb.intro": "Phần suy ra dưới đây chính là phần của [trang về mô-đun này]({page}), do SymPy tính. "
                "Các ô mã sau đó dùng symbp để suy ra lại mô-đun, chạy mã numpy được sinh ra trên "
                "một ví dụ nhỏ, kiểm tra mọi gradient bằng sai phân hữu hạn, vẽ đồ thị, và kết "
                "thúc bằng một bài tập.",
    "nb.derive": "Dùng symbp để suy ra mô-đun (SymPy lo phần giải tích) và nạp mã numpy được sinh "
                 "ra; `d.vjp` chứa tích vectơ-Jacobian của từng đầu vào, viết theo chỉ số:",
    "nb.example": "Một ví dụ tính cụ thể với kích thước nhỏ ({sizes}): lượt truyền xuôi, rồi lượt "
                  "truyền ngược với gradient từ phía trên `g` $= \\partial C / \\partial y$:",
    "nb.check": "So sánh từng gradient với sai phân hữu hạn trung tâm của "
                "$C = \\langle g, y \\rangle$, hàm có gradient đúng bằng kết quả của lượt "
                "truyền ngược:",
    "nb.plot.curve": "Hàm số và đạo hàm của nó: lượt truyền ngược được sinh ra, với $g = 1$.",
    "nb.plot.line": "Thay đổi một phần tử của `{name}` và theo dõi hàm chi phí "
                    "$C = \\langle g, y \\rangle$ cùng độ dốc của nó do lượt truyền ngược được "
                    "sinh ra tính:",
    "nb.exercise": "**Bài tập.** Hãy tự suy ra $\\partial C / \\partial {wrt}$ và viết nó từ "
                   "gradient phía trên `g`, đầu ra `y` và các đầu vào: thay `answer` rồi chạy ô mã. "
                   "`symbp.check_answer` (giống `symbp check` trên dòng lệnh) chứng minh câu trả lời "
                   "bằng kết quả suy ra, hoặc đưa ra một phản ví dụ.",

    # headings
    "h.forward": "Lượt truyền xuôi",
    "h.input": 'Gradient theo ${x}$',
    "h.partial": "Đạo hàm riêng, viết theo chỉ số",
    "h.jacobian": "Ma trận Jacobian",
    "h.chain": "Quy tắc chuỗi: tích vectơ–Jacobian",
    "h.matrix": "Dạng ma trận, kèm kích thước của từng thừa số",
    "h.kinks": "Những điểm lượt truyền xuôi không khả vi",
    "h.claims": "Các khẳng định trong bài giảng, được SymPy kiểm chứng",
    "h.check": "Kiểm tra bằng số",
    "h.code": "Mã numpy được sinh ra",
    "h.rule.loss": "Hàm mất mát",
    "h.rule.grad": "Gradient của nó",
    "h.rule.step": "Bước cập nhật",

    # paragraphs
    "forward.shapes": "Đầu vào: {inputs}. Đầu ra: {output}.",
    "forward.elementwise": "Mô-đun tác động theo từng phần tử: mỗi đầu vào là một mảng có hình dạng "
                           "bất kỳ (các đầu vào cùng hình dạng), đầu ra cũng vậy; một chỉ số ${i}$ "
                           "chạy qua mọi phần tử.",
    "forward.scalar": "một số vô hướng",
    "forward.statistics": 'với các đại lượng thống kê, được phép suy ra giữ nguyên theo tên (quy tắc chuỗi đi qua từng đại lượng):',
    "forward.formula": "Một phần tử của đầu ra, đúng như SymPy lưu giữ:",
    "partial.intro": "SymPy lấy đạo hàm một phần tử của đầu ra theo một phần tử ${x}$ của đầu vào "
                     "`{name}`. Mỗi ký hiệu Kronecker $\\delta$ cho biết hai chỉ số nào phải trùng "
                     "nhau:",
    "partial.through": 'Quy tắc chuỗi đi qua từng đại lượng thống kê; SymPy lấy đạo hàm chúng theo thứ tự (mỗi đại lượng dùng tên của những đại lượng trước nó):',
    "partial.direct": 'và chính lượt truyền xuôi, khi giữ cố định các đại lượng thống kê:',
    "jacobian.intro": "Tính các tổng (một $\\delta$ nằm trong tổng chỉ giữ lại đúng một số hạng), ta "
                      "được các phần tử của ma trận Jacobian $\\partial y / \\partial {base}$:",
    "jacobian.output": "SymPy còn viết được nó theo chính đầu ra $y$ (bằng cách giải $y = f(\\cdot)$ "
                       "theo phần của lượt truyền xuôi chứa đầu vào). Cách viết này rẻ hơn: lượt "
                       "lan truyền ngược dùng lại những gì lượt truyền xuôi đã tính.",
    "chain.intro": "Gọi ${g}$ là gradient của hàm chi phí $C$ truyền từ phía trên xuống, "
                   "${g} = \\partial C / \\partial {y}$. Quy tắc chuỗi lấy tổng trên mọi phần tử "
                   "của đầu ra:",
    "chain.scalar": "Đầu ra là một giá trị mất mát vô hướng $L$; ${g} = \\partial C / \\partial L$ là "
                    "gradient truyền từ phía trên xuống (bằng 1 khi $L$ chính là hàm chi phí):",
    "chain.dims": "Theo cách đếm kích thước của bài giảng, $\\partial C / \\partial {base}$ là một vectơ "
                  "hàng cỡ $1 \\times N$ với $N = {N}$ thành phần, $\\partial C / \\partial y$ có cỡ "
                  "$1 \\times M$ với $M = {M}$, còn ma trận Jacobian $\\partial y / \\partial {base}$ "
                  "có cỡ $M \\times N$: $(1\\times N) = (1\\times M)\\,(M\\times N)$. Tổng ở trên "
                  "chính là tích đó, mà không bao giờ phải lập ra ma trận $M \\times N$.",
    "matrix.intro": "Cũng công thức ấy, viết trên toàn bộ mảng (${g}$ viết thành $G$, $\\odot$ là tích "
                    "từng phần tử, $\\mathbf{{1}}_n$ là cột gồm $n$ số một và $\\mathbf{{1}}_n^\\top$ là "
                    "hàng, $A^{{\\circ -1}}$ là nghịch đảo từng phần tử; SymPy đã kiểm tra mọi tích "
                    "đều khớp kích thước và công thức bằng tích vectơ–Jacobian ở trên tại các kích "
                    "thước ngẫu nhiên):",
    "matrix.shapes": "Kích thước: {shapes}.",
    "kinks.first": "Tại ${lhs} = {rhs}$ lượt truyền xuôi có một điểm gãy. Phép suy ra dùng nhánh "
                   "${cond}$, nhánh này đúng tại đó: đạo hàm của nó là dưới gradient (subgradient) "
                   "được chọn.",
    "kinks.else": "Tại ${lhs} = {rhs}$ lượt truyền xuôi có một điểm gãy. Điều kiện ${cond}$ sai tại "
                  "đó, nên đạo hàm của nhánh còn lại được dùng.",
    "kinks.sign0": "$|{arg}|$ có điểm gãy tại $0$; đạo hàm tại đó được lấy là "
                   "$\\operatorname{{sign}}(0) = 0$.",
    "check.intro": "Sai phân hữu hạn trung tâm với số thực float64 (bước $10^{{-4}}\\max(1, |x|)$), "
                   "đầu vào được chọn ngẫu nhiên, tránh xa mọi điểm gãy. `jacobian`: toàn bộ ma trận "
                   "Jacobian ở kích thước nhỏ; `directional`: so sánh $\\langle J v, g\\rangle$ với "
                   "$\\langle v, J^\\top g\\rangle$ ở khoảng $10^5$ phần tử.",
    "check.rule_intro": "Sai phân hữu hạn trung tâm với số thực float64. `gradient`: so sánh $\\partial L/\\partial w$ với sai phân của $L = C + R$, trong đó $C$ là một hàm bậc hai ngẫu nhiên có gradient chính xác; `update`: so sánh bước cập nhật được sinh ra với bước của quy tắc áp dụng lên gradient tính bằng số đó; `directional`: gradient theo các hướng ngẫu nhiên với $10^5$ trọng số.",
    "check.col.input": "đầu vào",
    "check.col.kind": "phép kiểm tra",
    "check.col.size": "kích thước",
    "check.col.error": "sai số tương đối lớn nhất",
    "check.col.tol": "ngưỡng cho phép",
    "check.col.result": "kết quả",
    "check.pass": "đạt",
    "check.fail": "KHÔNG ĐẠT",
    "code.intro": "Được bộ in numpy của symbp in ra từ phép suy ra ở trên; "
                  "`dout` là ${g}$, `out` là $y$.",
    "rule.loss": "Hàm mất mát cộng thêm một số hạng phạt $R(w)$ vào hàm chi phí $C$:",
    "rule.noloss": "Hàm mất mát chính là hàm chi phí, $L = C$.",
    "rule.grad": "SymPy lấy đạo hàm số hạng phạt; còn $\\partial C / \\partial w_i$ do lan truyền "
                 "ngược cung cấp:",
    "rule.step": "Các bước của quy tắc, theo thứ tự, sau khi thay gradient đó vào:",
    "rule.decay": "Gom theo $w_i$: ở mỗi bước trọng số được nhân với một hằng số nhỏ hơn một — vì "
                  "thế mới gọi là suy giảm trọng số (weight decay):",
    "rule.sign0": "$|w_i|$ không khả vi tại $0$: bước cập nhật dùng $\\operatorname{{sign}}(0) = 0$, "
                  "nên một trọng số đúng bằng không sẽ không bị kéo thêm.",

    # claims
    "claims.proved": "SymPy đã chứng minh",
    "claims.failed": "SymPy KHÔNG xác nhận",
    "claim.sigmoid.vanishing": "Đạo hàm của hàm sigmoid tiến về 0 ở cả hai phía: hàm bị bão hòa, và "
                               "gradient đi qua nó bị tiêu biến.",
    "claim.sigmoid.logsigmoid": "Logarit của nó là $s - \\log(1 + e^s)$, và đạo hàm của biểu thức "
                                "này tiến về 1 khi $s \\to -\\infty$: logarit không bị bão hòa.",
    "claim.softmax.sum": "Các đầu ra đều dương và có tổng bằng một: đó là một phân phối xác suất.",
    "claim.log_softmax.lse": "LogSoftMax bằng $x_i$ trừ đi log-sum-exp của cả hàng.",
    "claim.cross_entropy.grad": "Gradient của entropy chéo bằng softmax trừ đi vectơ one-hot của "
                                "nhãn (chia cho kích thước batch vì lấy trung bình).",
    "claim.duplicate.sum": "Khi lan truyền ngược qua một nút nhân bản, các gradient được cộng lại.",
    "claim.add.pass": "Phép cộng chuyển nguyên gradient xuống cả hai đầu vào.",
    "claim.max.route": "Max chuyển gradient về đầu vào lớn hơn; theo quy ước của bài giảng, gradient "
                       "chỉ đi về $X_1$ khi $X_1 > X_2$.",
    "claim.relu.zero": "Các trường hợp trong bài giảng để đạo hàm của ReLU tại $x = 0$ rơi vào nhánh "
                       "\"còn lại\": gradient được truyền qua tại $x = 0$, đúng quy ước dùng ở đây.",
    "claim.sgd_l2.notes": "Đính chính bài giảng: bài viết $\\partial R/\\partial w_i = 2 w_i$ mà không "
                          "định nghĩa $R$. Với $R(w) = \\Vert w \\Vert^2$ thì đúng như vậy, và số hạng "
                          "phạt trong $L$ là $\\alpha R$, có đạo hàm $2 \\alpha w_i$.",
    "fig.sigmoid": "Hàm sigmoid và đạo hàm của nó: phẳng ở cả hai đầu, nên gradient tiêu biến.",
    "fig.softplus": "$\\log(1 + e^s)$: bằng $0$ khi $s$ rất âm, bằng $s$ khi $s$ lớn — không bão hòa.",
    "fig.activation": "{title} và đạo hàm của nó (lấy từ lượt lan truyền ngược được sinh ra).",
    "fig.graph": "Đồ thị truyền xuôi của $C(G(x, w), y)$ và đồ thị gradient có được khi đảo chiều nó.",

    # module titles and introductions
    'title.linear': 'Tuyến tính (Linear)',
    'about.linear': 'Bài giảng viết mô-đun tuyến tính cho từng mẫu là $Y = W \\cdot X$ với $\\frac{dC}{dX} = W^\\top \\frac{dC}{dY}$ và $\\frac{dC}{dW} = \\frac{dC}{dY} X^\\top$. Ở đây ta dùng dạng theo batch, $Y = X W^\\top + b$, mỗi hàng là một mẫu: vẫn là mô-đun ấy, và các công thức ấy được chuyển vị.',
    'title.relu': 'ReLU',
    'about.relu': 'Hàm tuyến tính chỉnh lưu $y = (x)^+$: hàm kích hoạt phi tuyến mà bài giảng khuyên dùng cho các mạng sâu.',
    'title.duplicate': 'Nhân bản (Duplicate)',
    'about.duplicate': 'Một "bộ chia chữ Y": $Y_1 = X$, $Y_2 = X$, và tương tự cho $n$ nhánh. Ở đây các nhánh là chỉ số đầu tiên $r$ của đầu ra.',
    'title.add': 'Cộng (Add)',
    'about.add': '$Y = X_1 + X_2$: khi một đầu vào thay đổi một lượng nhỏ, đầu ra thay đổi đúng lượng ấy.',
    'title.max': 'Max',
    'about.max': '$Y = \\max(X_1, X_2)$ theo từng phần tử, viết đúng như bài giảng: bằng $X_1$ khi $X_1 > X_2$, bằng $X_2$ trong trường hợp còn lại.',
    'title.sigmoid': 'Sigmoid',
    'about.sigmoid': 'Hàm sigmoid logistic $h(s) = 1/(1 + e^{-s})$, chính là softmax của một giá trị duy nhất.',
    'title.tanh': 'Tanh',
    'about.tanh': 'Hàm tang hyperbolic, một trong những hàm kích hoạt đã nhường chỗ cho ReLU trong các mạng sâu.',
    'title.softmax': 'SoftMax',
    'about.softmax': 'Biến một hàng số thành các số dương có tổng bằng một, $y_i = e^{x_i} / \\sum_j e^{x_j}$, mỗi mẫu một hàng.',
    'title.log_softmax': 'LogSoftMax',
    'about.log_softmax': 'Logarit của softmax, $\\log y_i = x_i - \\log \\sum_j e^{x_j}$: cách bài giảng chữa hiện tượng gradient tiêu biến của softmax.',
    'title.cross_entropy': 'Entropy chéo (Cross-entropy)',
    'about.cross_entropy': 'Hàm log-hợp lý âm của LogSoftMax với nhãn lớp là số nguyên $t_b$, lấy trung bình trên batch — đúng như hàm `cross_entropy` của PyTorch.',
    'title.mse': 'Sai số bình phương trung bình (MSE)',
    'about.mse': 'Bình phương sai số, lấy trung bình trên mọi phần tử (cách rút gọn mặc định của PyTorch).',
    'title.l2_penalty': 'Số hạng phạt L2',
    'about.l2_penalty': '$R(w) = \\alpha \\Vert w \\Vert^2$, cộng vào hàm chi phí để suy giảm trọng số.',
    'title.l1_penalty': 'Số hạng phạt L1',
    'about.l1_penalty': '$R(w) = \\alpha \\sum_i |w_i|$ (Lasso): các trọng số vô ích bị kéo về không.',
    'title.sgd': 'SGD',
    'about.sgd': 'Hạ gradient ngẫu nhiên theo minibatch: $w \\leftarrow w - \\eta\\, \\partial L / \\partial w$.',
    'title.sgd_l2': 'SGD với suy giảm trọng số L2',
    'about.sgd_l2': 'Điều chuẩn L2 của bài giảng: $L(S, w) = C(S, w) + \\alpha \\Vert w \\Vert^2$.',
    'title.sgd_l1': 'SGD với điều chuẩn L1',
    'about.sgd_l1': 'Tương tự, với $\\alpha \\sum_i |w_i|$ thay cho $\\alpha \\Vert w \\Vert^2$.',
    'title.momentum': 'SGD với quán tính (momentum)',
    'about.momentum': 'Một vận tốc $v$ tích lũy các gradient: $v \\leftarrow \\mu v + \\partial L/\\partial w$, $w \\leftarrow w - \\eta v$ (theo quy ước của PyTorch).',
    'title.adam': 'Adam',
    'about.adam': 'Adam điều chỉnh bước đi cho từng trọng số dựa trên trung bình trượt của gradient và của bình phương gradient, có hiệu chỉnh độ lệch về không ở những bước đầu.',
    'title.dropout': 'Dropout',
    'about.dropout': 'Khi huấn luyện, dropout đặt mỗi đầu vào bằng không với xác suất $p$ và nhân các đầu vào còn lại với $1/(1-p)$; khi đánh giá, nó là ánh xạ đồng nhất. Mặt nạ $m_i \\in \\{0, 1\\}$ là một đầu vào (được rút từ một bộ sinh ngẫu nhiên có hạt giống), nên lượt lan truyền ngược là chính xác.',
    'title.normalize': 'Chuẩn hóa đầu vào',
    'about.normalize': 'Mỗi kênh $i$ được trừ đi giá trị trung bình $m_i$ và chia cho $\\max(\\sigma_i, \\epsilon)$, để có trung bình bằng không và phương sai bằng một; $\\epsilon$ giúp tránh phép chia cho không. Ở đây $m$ và $\\sigma$ được tính trên batch, nên gradient cũng đi qua chúng.',
    'claim.dropout.mean': 'Nhờ hệ số $1/(1-p)$, kỳ vọng của đầu ra bằng đầu vào, nên mạng thấy cùng một thang đo khi huấn luyện và khi đánh giá; bài giảng bỏ qua hệ số này, và khi thiếu nó kỳ vọng chỉ còn $(1-p)\\,x$.',
    'claim.normalize.stats': 'Sau khi chuẩn hóa, mỗi kênh có trung bình bằng không và, khi $\\sigma > \\epsilon$, phương sai bằng một.',
    'title.digits_mlp': 'Bộ phân loại chữ số, dưới dạng đồ thị',
    'title.kaiming': 'Khởi tạo Kaiming',
    'about.kaiming': 'Các trọng số được khởi tạo ngẫu nhiên, không quá lớn cũng không quá nhỏ, để đầu ra của mỗi lớp có phương sai xấp xỉ phương sai của đầu vào. Khởi tạo Kaiming, vốn hoạt động tốt với các mạng ReLU sâu, chọn độ lệch chuẩn của trọng số tỷ lệ nghịch với căn bậc hai của số đầu vào.',
    'kaiming.sum': 'Với một đầu ra $y = \\sum_{{j=1}}^{{n}} w_j x_j$ có các trọng số độc lập, kỳ vọng bằng không, `sympy.stats` tính phương sai của tổng ba số hạng:',
    'kaiming.general': 'Mỗi số hạng đóng góp $\\mathrm{{Var}}(w)\\,\\mathbb{{E}}[x^2]$, nên với $n$ đầu vào:',
    'kaiming.relu': 'Nếu $x$ là ReLU của một tiền kích hoạt $z \\sim \\mathcal{{N}}(0, \\sigma^2)$, thì một nửa khối lượng của $z$ bị cắt về không:',
    'kaiming.solve': 'Để giữ $\\mathrm{{Var}}(y) = \\sigma^2$ từ lớp này sang lớp sau, $n\\,\\mathrm{{Var}}(w)\\,\\sigma^2/2 = \\sigma^2$, ta được',
    'kaiming.figure': 'Phương sai của các tiền kích hoạt qua 20 lớp ReLU rộng 256 (dùng mã Linear và ReLU được sinh ra): chỉ có $\\sqrt{{2/n}}$ giữ được nó không đổi; $1/\\sqrt{{n}}$ làm nó giảm một nửa sau mỗi lớp, còn 0.01 thì triệt tiêu nó.',
    'kaiming.code': 'Hàm khởi tạo được sinh ra (độ lệch chuẩn của nó chính là biểu thức ở trên, được in ra):',
    'title.schedules': 'Lịch trình tốc độ học',
    'about.schedules': 'Tốc độ học nên giảm dần trong quá trình huấn luyện. Mỗi lịch trình là một biểu thức SymPy theo epoch (hoặc bước) $t$; SymPy chứng minh nó không bao giờ tăng, và bộ in biến nó thành một hàm numpy.',
    'schedules.item': '`{name}` — giảm dần: {verdict}.',
    'schedules.yes': 'SymPy đã chứng minh',
    'schedules.no': 'SymPy KHÔNG xác nhận',
    'schedules.figure': 'Bốn lịch trình trong 50 epoch, vẽ bằng các hàm được sinh ra.',
    'title.vanishing': 'Gradient tiêu biến, qua các con số',
    'vanishing.figure': 'Chuẩn của gradient theo trọng số của từng lớp trong một chồng 20 lớp (rộng 64), tính bằng lượt lan truyền ngược được sinh ra: qua các hàm sigmoid nó giảm đi nhiều bậc độ lớn khi tiến về phía đầu vào, qua ReLU thì không — lập luận về sự bão hòa trong bài giảng, được đo bằng số.',
    'network.about': 'Một mạng được dựng bằng API đồ thị của symbp: mỗi nút là một mô-đun trong danh mục hoặc do người dùng định nghĩa, và lan truyền ngược đi qua đồ thị theo thứ tự tô-pô ngược. Một giá trị được nhiều nút đọc sẽ nhận tổng các gradient của chúng.',
    'network.nodes': 'Các nút theo thứ tự tô-pô, kèm kích thước của mọi giá trị:',
    'network.chain': 'Lan truyền ngược đi qua các nút theo thứ tự ngược lại; mỗi nút biến gradient của đầu ra thành gradient của các đầu vào bằng tích vectơ–Jacobian của chính nó (xem trang của mô-đun đó). Với một nút $v = f(u)$, $u$ có $N$ thành phần và $v$ có $M$: $\\partial C/\\partial u$ $(1\\times N)$ $=$ $\\partial C/\\partial v$ $(1\\times M)$ $\\cdot$ $\\partial v/\\partial u$ $(M\\times N)$.',
    'network.figure': 'Đồ thị truyền xuôi, và đồ thị gradient có được khi đảo chiều nó.',
    'network.check': 'Gradient theo mọi tham số, so với sai phân hữu hạn trung tâm của toàn bộ lượt truyền xuôi đã ghép:',
    'network.col.node': 'nút',
    'network.col.module': 'mô-đun',
    'network.col.inputs': 'đầu vào',
    'network.col.shape': 'kích thước đầu ra',
}
