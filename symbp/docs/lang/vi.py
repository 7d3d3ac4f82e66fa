"""Vietnamese prose of the documents (văn bản tiếng Việt)."""

STRINGS = {
    # front matter and index
    "lang": "vi",
    "site.title": "{title}: tính lượt lan truyền ngược",
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
    "h.kinks": "Những điểm mà lượt truyền xuôi không khả vi",
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
    "forward.statistics": 'cùng các đại lượng thống kê, mà quá trình tính đạo hàm giữ nguyên theo tên (quy tắc chuỗi đi qua từng đại lượng):',
    "forward.formula": "Một phần tử của đầu ra, đúng như SymPy lưu giữ:",
    "forward.formula_scalar": "Đầu ra, đúng như SymPy lưu giữ:",
    "partial.intro": "SymPy lấy đạo hàm một phần tử của đầu ra theo một phần tử ${x}$ của đầu vào "
                     "`{name}`. Mỗi ký hiệu Kronecker $\\delta$ cho biết hai chỉ số nào phải trùng "
                     "nhau:",
    "partial.intro_statistics": "SymPy lấy đạo hàm một phần tử của đầu ra theo một phần tử ${x}$ của "
                                "đầu vào `{name}`, gồm hai phần: qua các đại lượng thống kê, và trực "
                                "tiếp.",
    "partial.through": "Quy tắc chuỗi đi qua từng đại lượng thống kê; SymPy lấy đạo hàm chúng theo thứ "
                       "tự (mỗi đại lượng dùng tên của những đại lượng trước nó; mỗi delta Kronecker "
                       "$\\delta$ cho biết hai chỉ số nào phải trùng nhau):",
    "partial.direct": 'và chính lượt truyền xuôi, khi giữ cố định các đại lượng thống kê:',
    "jacobian.intro": "Tính các tổng (một $\\delta$ nằm trong tổng chỉ giữ lại đúng một số hạng), ta được các phần tử của ma trận Jacobian $\\partial {y} / \\partial {base}$:",
    "jacobian.output": "SymPy còn viết được nó theo chính đầu ra $y$ (bằng cách giải $y = f(\\cdot)$ "
                       "theo phần của lượt truyền xuôi chứa đầu vào). Cách viết này rẻ hơn: lượt "
                       "lan truyền ngược dùng lại những gì lượt truyền xuôi đã tính.",
    "chain.intro": "Gọi ${g}$ là gradient của hàm chi phí $C$ truyền từ phía trên xuống, "
                   "${g} = \\partial C / \\partial {y}$. Quy tắc chuỗi lấy tổng trên mọi phần tử "
                   "của đầu ra:",
    "chain.scalar": "Đầu ra là một giá trị mất mát vô hướng $L$; ${g} = \\partial C / \\partial L$ là "
                    "gradient truyền từ phía trên xuống (bằng 1 khi $L$ chính là hàm chi phí):",
    "chain.dims": "Theo cách đếm kích thước của bài giảng, $\\partial C / \\partial {base}$ là một vectơ hàng cỡ $1 \\times N$, trong đó $N{N}$ là số thành phần của ${base}$; $\\partial C / \\partial {y}$ có cỡ $1 \\times M$, trong đó $M{M}$ là số thành phần của ${y}$; còn ma trận Jacobian $\\partial {y} / \\partial {base}$ có cỡ $M \\times N$: $(1\\times N) = (1\\times M)\\,(M\\times N)$. Tổng ở trên chính là tích đó, mà không bao giờ phải lập ra ma trận $M \\times N$.",
    "matrix.intro": "Cũng công thức ấy, viết trên toàn bộ mảng (${g}$ viết thành $G$, $\\odot$ là tích "
                    "từng phần tử, $\\mathbf{{1}}_n$ là cột gồm $n$ số một và $\\mathbf{{1}}_n^\\top$ là "
                    "hàng, $A^{{\\circ -1}}$ là nghịch đảo từng phần tử; SymPy đã kiểm tra mọi tích "
                    "đều khớp kích thước và công thức bằng tích vectơ–Jacobian ở trên tại các kích "
                    "thước ngẫu nhiên):",
    "matrix.shapes": "Kích thước: {shapes}.",
    "kinks.first": "Tại ${lhs} = {rhs}$ lượt truyền xuôi có một điểm gãy. Quá trình tính đạo hàm dùng nhánh ${cond}$, nhánh này đúng tại đó: đạo hàm của nó là dưới gradient (subgradient) được chọn.",
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
    "code.intro": "Được bộ in numpy của symbp in ra từ quá trình tính đạo hàm ở trên; `dout` là ${g}$, `out` là $y$.",
    "rule.loss": "Hàm mất mát cộng thêm một số hạng phạt $R(w)$ vào hàm chi phí $C$:",
    "rule.noloss": "Hàm mất mát chính là hàm chi phí, $L = C$.",
    "rule.grad": "SymPy lấy đạo hàm số hạng phạt; còn $\\partial C / \\partial w_i$ do lan truyền "
                 "ngược cung cấp:",
    "rule.grad_nopenalty": "Không có số hạng phạt, nên gradient của hàm mất mát chính là gradient của "
                           "hàm chi phí, do lan truyền ngược cung cấp:",
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
    "claim.sigmoid.logsigmoid": "Logarit của nó là $x - \\log(1 + e^x)$ (đồ thị thứ hai của bài giảng), và đạo hàm của biểu thức này tiến về 1 khi $x \\to -\\infty$: logarit không bị bão hòa.",
    "claim.softmax.sum": "Các đầu ra đều dương và có tổng bằng một: đó là một phân phối xác suất.",
    "claim.log_softmax.lse": "LogSoftMax bằng $x_i$ trừ đi log-sum-exp của cả hàng.",
    "claim.duplicate.sum": "Khi lan truyền ngược qua một Bản sao (Duplicate), các gradient được cộng lại.",
    "claim.add.pass": "Phép cộng chuyển nguyên gradient xuống cả hai đầu vào.",
    "claim.max.route": "Max chuyển gradient về đầu vào lớn hơn; theo quy ước của bài giảng, gradient "
                       "chỉ đi về $X_1$ khi $X_1 > X_2$.",
    "claim.relu.zero": "Các trường hợp trong bài giảng để đạo hàm của ReLU tại $x = 0$ rơi vào nhánh "
                       "\"còn lại\": gradient được truyền qua tại $x = 0$, đúng quy ước dùng ở đây.",
    "claim.sgd_l2.notes": "Đính chính bài giảng: bài giảng viết $\\partial R/\\partial w_i = 2 w_i$ mà không định nghĩa $R$. Các trang này luôn định nghĩa $R(w) = \\Vert w \\Vert^2$ — khi đó $2 w_i$ là đúng — và số hạng phạt trong $L$ là $\\alpha R$, có đạo hàm $2 \\alpha w_i$.",
    "fig.sigmoid": "Hàm sigmoid và đạo hàm của nó: phẳng ở cả hai đầu, nên gradient tiêu biến.",
    "fig.softplus.intro": "Bài giảng viết trường hợp hai lớp, với logit $s$ và $0$: đầu ra thứ nhất là "
                          "$\\log\\frac{{e^s}}{{e^s + 1}} = s - \\log(1 + e^s)$. Phần thứ hai của nó, "
                          "$\\log(1 + e^s)$, do mã được sinh ra tính:",
    "fig.softplus": "$\\log(1 + e^s)$: bằng $0$ khi $s$ rất âm, bằng $s$ khi $s$ lớn — không bão hòa.",
    "fig.activation": "{title} và đạo hàm của nó (lấy từ lượt lan truyền ngược được sinh ra).",
    "fig.graph": "Đồ thị truyền xuôi của $C(G(x, w), y)$ và đồ thị gradient có được khi đảo chiều nó.",

    # module titles and introductions
    'title.linear': 'Tuyến tính (Linear)',
    'about.linear': 'Bài giảng viết mô-đun tuyến tính cho từng mẫu là $Y = W \\cdot X$ với $\\frac{dC}{dX} = W^\\top \\frac{dC}{dY}$ và $\\frac{dC}{dW} = \\frac{dC}{dY} X^\\top$. Ở đây ta dùng dạng theo batch, $Y = X W^\\top + b$, mỗi hàng là một mẫu: vẫn là mô-đun ấy, và các công thức ấy được chuyển vị.',
    'title.relu': 'ReLU',
    'about.relu': 'Hàm tuyến tính chỉnh lưu $y = (x)^+$: hàm kích hoạt phi tuyến mà bài giảng khuyên dùng cho các mạng sâu.',
    'title.duplicate': 'Bản sao (Duplicate)',
    'about.duplicate': 'Một "bộ chia chữ Y": $Y_1 = X$, $Y_2 = X$, và tương tự cho $n$ nhánh. Ở đây các nhánh là chỉ số đầu tiên $r$ của đầu ra.',
    'title.add': 'Cộng (Add)',
    'about.add': '$Y = X_1 + X_2$: khi một đầu vào thay đổi một lượng nhỏ, đầu ra thay đổi đúng lượng ấy.',
    'title.max': 'Max',
    'about.max': '$Y = \\max(X_1, X_2)$ theo từng phần tử, viết đúng như bài giảng: bằng $X_1$ khi $X_1 > X_2$, bằng $X_2$ trong trường hợp còn lại.',
    'title.sigmoid': 'Sigmoid',
    'about.sigmoid': 'Hàm sigmoid logistic $\\sigma(x) = 1/(1 + e^{-x})$, với đầu ra $y = \\sigma(x)$ (bài giảng viết $h(s)$). Bài giảng gọi nó là hàm softmax của một giá trị; chính xác hơn, nó là thành phần thứ nhất của softmax của cặp $(x, 0)$ (được kiểm chứng bên dưới).',
    'title.tanh': 'Tanh',
    'about.tanh': 'Hàm tang hyperbolic, một trong những hàm kích hoạt đã nhường chỗ cho ReLU trong các mạng sâu.',
    'title.softmax': 'SoftMax',
    'about.softmax': 'Biến một hàng số thành các số dương có tổng bằng một, $y_i = e^{x_i} / \\sum_j e^{x_j}$, mỗi mẫu một hàng.',
    'title.log_softmax': 'LogSoftMax',
    'about.log_softmax': 'Logarit của softmax, $\\log y_i = x_i - \\log \\sum_j e^{x_j}$. Bài giảng giới thiệu nó như cách chữa hiện tượng gradient tiêu biến của softmax; nó chữa được gì và không chữa được gì được kiểm chứng bên dưới.',
    'title.cross_entropy': 'Entropy chéo (Cross-entropy)',
    'about.cross_entropy': 'Hàm log-hợp lý âm của LogSoftMax với nhãn lớp là số nguyên $t_b$, lấy trung bình trên batch — đúng như hàm `cross_entropy` của PyTorch.',
    'title.mse': 'Sai số bình phương trung bình (MSE)',
    'about.mse': 'Bình phương sai số, lấy trung bình trên mọi phần tử (cách rút gọn mặc định của PyTorch).',
    'title.l2_penalty': 'Số hạng phạt L2',
    'about.l2_penalty': 'Số hạng phạt $\\alpha R(w)$ với $R(w) = \\Vert w \\Vert^2$ (chính là $R$ trong công thức $\\partial R/\\partial w_i = 2 w_i$ của bài giảng), được cộng vào hàm chi phí để suy giảm trọng số.',
    'title.l1_penalty': 'Số hạng phạt L1',
    'about.l1_penalty': 'Số hạng phạt $\\alpha R(w)$ với $R(w) = \\sum_i |w_i|$ (Lasso). Bài giảng nói các trọng số vô ích bị kéo về $0$. Với SGD thông thường (theo dưới gradient), chúng không dừng lại ở đó mà nhảy qua lại quanh $0$ với biên độ khoảng $\\eta\\alpha$; bước proximal, tức phép ngưỡng mềm (soft threshold), mới đặt chúng đúng bằng $0$ (xem trang SGD với điều chuẩn L1).',
    'title.sgd': 'SGD',
    'about.sgd': 'Hạ gradient ngẫu nhiên theo minibatch: $w \\leftarrow w - \\eta\\, \\partial L / \\partial w$.',
    'title.sgd_l2': 'SGD với suy giảm trọng số L2',
    'about.sgd_l2': 'Điều chuẩn L2 của bài giảng: $L(S, w) = C(S, w) + \\alpha R(w)$ với $R(w) = \\Vert w \\Vert^2$.',
    'title.sgd_l1': 'SGD với điều chuẩn L1',
    'about.sgd_l1': 'Tương tự, với $R(w) = \\sum_i |w_i|$ thay cho $\\Vert w \\Vert^2$.',
    'title.momentum': 'SGD với quán tính (momentum)',
    'about.momentum': 'Một vận tốc $v$ tích lũy các gradient: $v \\leftarrow \\mu v + \\partial L/\\partial w$, $w \\leftarrow w - \\eta v$ (theo quy ước của PyTorch).',
    'title.adam': 'Adam',
    'about.adam': 'Adam điều chỉnh bước đi cho từng trọng số dựa trên trung bình trượt của gradient ($m$) và của bình phương gradient ($v$). Cả hai bắt đầu từ $0$, nên ở những bước đầu chúng bị lệch về $0$; chia cho $1 - \\beta^t$ cho ta các giá trị đã hiệu chỉnh $\\hat{m}$, $\\hat{v}$. Nơi gọi hàm tự đếm số bước: $t = 1$ ở bước đầu tiên.',
    'title.dropout': 'Dropout',
    'about.dropout': 'Khi huấn luyện, dropout đặt mỗi đầu vào bằng không với xác suất $p$ và nhân các đầu vào còn lại với $1/(1-p)$; khi đánh giá, nó là ánh xạ đồng nhất. Mặt nạ $m_i \\in \\lbrace 0, 1 \\rbrace$ là một đầu vào (được rút từ một bộ sinh số ngẫu nhiên với seed cố định), nên lượt lan truyền ngược là chính xác.',
    'title.normalize': 'Chuẩn hóa đầu vào',
    'about.normalize': 'Mỗi kênh $i$ được trừ đi giá trị trung bình $m_i$ và chia cho $s_i = \\max(\\sigma_i, \\epsilon)$; $\\epsilon$ giúp tránh phép chia cho không. Bài giảng tính $m$ và $\\sigma$ một lần trên toàn bộ tập dữ liệu: khi đó chúng là hằng số. Mô-đun này tính chúng trên batch (chuẩn hóa theo batch, không có hệ số co giãn và dịch chuyển), nên gradient cũng đi qua chúng. Cả hai trường hợp đều được tính bên dưới, mỗi trường hợp có tên riêng.',
    'claim.dropout.mean': 'Nhờ hệ số $1/(1-p)$, kỳ vọng của đầu ra bằng đầu vào, nên mạng thấy cùng một thang đo khi huấn luyện và khi đánh giá; bài giảng bỏ qua hệ số này, và khi thiếu nó kỳ vọng chỉ còn $(1-p)\\,x$.',
    'claim.normalize.stats': 'Sau khi chuẩn hóa, mỗi kênh có trung bình bằng không và, khi $\\sigma > \\epsilon$, phương sai bằng một.',
    'title.digits_mlp': 'Bộ phân loại chữ số, dưới dạng đồ thị',
    'title.kaiming': 'Khởi tạo Kaiming',
    'about.kaiming': 'Các trọng số được khởi tạo ngẫu nhiên, không quá lớn cũng không quá nhỏ, để đầu ra của mỗi lớp có phương sai xấp xỉ phương sai của đầu vào. Khởi tạo Kaiming, vốn hoạt động tốt với các mạng ReLU sâu, chọn độ lệch chuẩn của trọng số tỷ lệ nghịch với căn bậc hai của số đầu vào.',
    'kaiming.sum': 'Với một đầu ra $y = \\sum_{{j=1}}^{{n}} w_j x_j$ có các trọng số độc lập, trung bình bằng không, `sympy.stats` tính phương sai của tổng ba số hạng. Các đầu vào không cần có trung bình bằng không (đầu ra của ReLU thì không): ở đây trung bình của chúng là $\\mu$.',
    'kaiming.general': 'Mỗi số hạng đóng góp $\\mathrm{{Var}}(w)\\,\\mathbb{{E}}[x^2]$ (với $\\mathbb{{E}}[x^2] = \\sigma_x^2 + \\mu^2$; chỉ các trọng số mới cần có trung bình bằng không), nên với $n$ đầu vào:',
    'kaiming.relu': 'Nếu $x$ là ReLU của một tiền kích hoạt $z \\sim \\mathcal{{N}}(0, \\sigma^2)$, thì một nửa xác suất của $z$ bị cắt về không:',
    'kaiming.solve': 'Để giữ $\\mathrm{{Var}}(y) = \\sigma^2$ từ lớp này sang lớp sau, $n\\,\\mathrm{{Var}}(w)\\,\\sigma^2/2 = \\sigma^2$, ta được',
    'kaiming.figure': 'Phương sai của các tiền kích hoạt qua 20 lớp ReLU rộng 256 (dùng mã Linear và ReLU được sinh ra): chỉ có $\\sqrt{{2/n}}$ giữ được nó không đổi; $1/\\sqrt{{n}}$ làm nó giảm một nửa sau mỗi lớp, còn 0.01 thì triệt tiêu nó.',
    'kaiming.code': 'Hàm khởi tạo được sinh ra (độ lệch chuẩn của nó chính là biểu thức ở trên, được in ra):',
    'title.schedules': 'Lịch trình tốc độ học',
    'about.schedules': 'Tốc độ học nên giảm dần trong quá trình huấn luyện. Mỗi lịch trình là một biểu thức SymPy theo epoch (hoặc bước) $t$; từ dấu của đạo hàm theo $t$, SymPy chứng minh nó không bao giờ tăng (riêng lịch trình cosine chỉ trên $0 \\le t \\le T$), và bộ in biến nó thành một hàm numpy.',
    'schedules.item': '`{name}` — không bao giờ tăng: {verdict}.',
    'schedules.yes': 'SymPy đã chứng minh',
    'schedules.no': 'SymPy KHÔNG xác nhận',
    'schedules.figure': 'Bốn lịch trình trong 50 epoch, vẽ bằng các hàm được sinh ra.',
    'title.vanishing': 'Gradient tiêu biến, qua các con số',
    'vanishing.figure': 'Chuẩn của gradient theo trọng số của từng lớp trong một chồng 20 lớp (rộng 64), tính bằng lượt lan truyền ngược được sinh ra: qua các hàm sigmoid nó giảm đi nhiều bậc độ lớn khi tiến về phía đầu vào, qua ReLU thì không — lập luận về sự bão hòa trong bài giảng, được đo bằng số.',
    'network.about': 'Một mạng được dựng bằng API đồ thị của symbp: mỗi nút là một mô-đun trong danh mục hoặc do người dùng định nghĩa, và lan truyền ngược đi qua đồ thị theo thứ tự tô-pô ngược. Một giá trị được nhiều nút đọc sẽ nhận tổng các gradient của chúng.',
    'network.nodes': 'Các nút theo thứ tự tô-pô, kèm kích thước của mọi giá trị:',
    'network.chain': 'Lan truyền ngược đi qua các nút theo thứ tự ngược lại; mỗi nút biến gradient của đầu ra thành gradient của các đầu vào bằng tích vectơ–Jacobian của chính nó, tức tích của một vectơ với ma trận Jacobian (xem trang của mô-đun đó). Với một nút $v = f(u)$, $u$ có $N$ thành phần và $v$ có $M$: $\\partial C/\\partial u$ $(1\\times N)$ $=$ $\\partial C/\\partial v$ $(1\\times M)$ $\\cdot$ $\\partial v/\\partial u$ $(M\\times N)$.',
    'network.figure': 'Đồ thị truyền xuôi, và đồ thị gradient có được khi đảo chiều nó.',
    'network.check': 'Gradient theo mọi tham số, so với sai phân hữu hạn trung tâm của toàn bộ lượt truyền xuôi đã ghép:',
    'network.col.node': 'nút',
    'network.col.module': 'mô-đun',
    'network.col.inputs': 'đầu vào',
    'network.col.shape': 'kích thước đầu ra',
    # điều hướng, các phần của mục lục, sách
    "nav.prev": "← {title}",
    "nav.next": "{title} →",
    "nav.index": "Mục lục",
    "nav.language": "Tiếng Việt",
    "nav.video": "Video bài giảng tại {time}",
    "index.part.example": "Một ví dụ cụ thể về lan truyền ngược và các mô-đun cơ bản",
    "index.part.softmax": "LogSoftMax so với SoftMax",
    "index.part.tricks": "Các thủ thuật thực tế cho lan truyền ngược",
    "index.part.reference": "Tra cứu",
    "index.video": "video bài giảng",
    "book.answers": "Lời giải các bài tập",

    # kết quả chính, ký hiệu
    "key.title": "Kết quả chính",
    "key.generic": "Tích vectơ–Jacobian: đại lượng mà lượt lan truyền ngược được sinh ra tính, từ gradient "
                   "$g$ truyền từ phía trên xuống.",
    "notation.title": "Ký hiệu",
    "notation.col.symbol": "ký hiệu",
    "notation.col.meaning": "ý nghĩa",
    "notation.col.shape": "kích thước",
    "notation.any": "kích thước bất kỳ",
    "notation.input": "đầu vào `{name}`",
    "notation.input.linear.x": "các đầu vào `x`, mỗi hàng một mẫu ($X$ của bài giảng)",
    "notation.input.linear.W": "các trọng số `W` ($W$ của bài giảng)",
    "notation.input.linear.b": "độ lệch (bias) `b`",
    "notation.input.softmax.x": "các điểm số `x`, mỗi hàng một mẫu",
    "notation.input.log_softmax.x": "các điểm số `x`, mỗi hàng một mẫu",
    "notation.input.cross_entropy.logits": "các logit `logits`, mỗi hàng một mẫu",
    "notation.input.mse.pred": "các dự đoán `pred`",
    "notation.input.mse.target": "các giá trị đích `target`",
    "notation.input.normalize.x": "các đầu vào `x`, mỗi hàng một mẫu, mỗi cột một kênh",
    "notation.classes": "chỉ số lớp (số nguyên) `{name}` (không lấy đạo hàm)",
    "notation.mask": "mặt nạ dropout `{name}`: 0 hoặc 1 cho mỗi phần tử (không lấy đạo hàm)",
    "notation.output": "đầu ra",
    "notation.loss": "đầu ra: một giá trị mất mát vô hướng",
    "notation.g": "gradient truyền từ phía trên xuống, $\\partial C/\\partial {y}$ (`dout` trong mã)",
    "notation.cost": "hàm chi phí: số vô hướng ở cuối mạng",
    "notation.stat.m": "trung bình của kênh $i$ trên batch",
    "notation.stat.v": "phương sai của kênh $i$ trên batch",
    "notation.stat.sigma": "độ lệch chuẩn của kênh $i$",
    "notation.stat.s": "số chia $\\max(\\sigma_i, \\epsilon)$",
    "notation.param.p": "xác suất loại bỏ một đầu vào (mặc định {default})",
    "notation.param.alpha": "độ mạnh của số hạng phạt (mặc định {default})",
    "notation.param.eps": "chặn dưới của số chia (mặc định {default})",
    "notation.param.adam.eps": "một hằng số nhỏ cộng vào số chia để số chia không bao giờ bằng 0 "
                               "(mặc định {default})",
    "notation.param.lr": "tốc độ học $\\eta$ (mặc định {default})",
    "notation.param.mu": "hệ số quán tính (mặc định {default})",
    "notation.param.beta1": "hệ số suy giảm của trung bình trượt của gradient (mặc định {default})",
    "notation.param.beta2": "hệ số suy giảm của trung bình trượt của bình phương gradient (mặc định {default})",
    "notation.out_index": "chỉ số của một phần tử của đầu ra",
    "notation.sum_index": "chỉ số của tổng trong hàm mất mát: mỗi phần tử một số hạng",
    "notation.in_index": "chỉ số của một phần tử của một đầu vào",
    "notation.delta": "delta Kronecker: bằng $1$ nếu $i = j$, ngược lại bằng $0$",
    "notation.rule.w": "một trọng số (mọi trọng số được cập nhật như nhau)",
    "notation.rule.grad": "gradient của hàm chi phí, do lan truyền ngược cung cấp (`grad`)",
    "notation.rule.loss_grad": "gradient của hàm mất mát $L$ mà quy tắc đi xuống",
    "notation.rule.R": "số hạng điều chuẩn; số hạng phạt là $\\alpha R(w)$",
    "notation.rule.state.velocity": "vận tốc, tổng trượt của các gradient (bắt đầu từ $0$)",
    "notation.rule.state.m": "trung bình trượt của gradient (bắt đầu từ $0$)",
    "notation.rule.state.v": "trung bình trượt của bình phương gradient (bắt đầu từ $0$)",
    "notation.rule.counter": "số thứ tự của bước, do nơi gọi hàm đếm: $t = 1$ ở bước đầu tiên",

    # các bước đã thay đổi
    "partial.intro_scalar": "SymPy lấy đạo hàm giá trị mất mát $L$ theo một phần tử ${x}$ của đầu vào "
                            "`{name}`. Mỗi delta Kronecker $\\delta$ cho biết hai chỉ số nào phải trùng nhau:",
    "jacobian.same": "Ở đây không có tổng nào cần tính: đạo hàm riêng ở trên đã chính là phần tử của ma "
                     "trận Jacobian $\\partial {y} / \\partial {base}$.",
    "h.cases": "Hai trường hợp: đại lượng thống kê cố định của bài giảng, và đại lượng thống kê của batch",
    "cases.fixed": "**Trường hợp của bài giảng: đại lượng thống kê của tập dữ liệu.** Bài giảng tính $m$ và "
                   "$\\sigma$ một lần trên toàn bộ tập huấn luyện; đối với mạng chúng là hằng số, và phép "
                   "chuẩn hóa là một ánh xạ affine cố định. Gradient của nó là đạo hàm của lượt truyền xuôi "
                   "khi giữ cố định các đại lượng thống kê:",
    "cases.batch": "**Trường hợp theo batch (chuẩn hóa theo batch).** Khi $m$ và $\\sigma$ được tính trên chính "
                   "batch đó, mỗi đầu vào cũng làm chúng thay đổi, và gradient có thêm hai số hạng: nó được "
                   "trừ đi trung bình trên batch, và thành phần theo hướng $y$ của nó bị loại bỏ:",

    # ví dụ bằng số
    "h.example": "Một ví dụ bằng số",
    "example.intro": "Các đầu vào nhỏ với vài chữ số thập phân (cùng một gradient $g$ truyền từ phía trên "
                     "xuống), để mọi con số đều có thể tính lại bằng tay:",
    "example.col.symbol": "ký hiệu",
    "example.col.code": "trong mã",
    "example.col.value": "giá trị",
    "example.col.quantity": "đại lượng",
    "example.col.generated": "mã được sinh ra (`symbp.load`)",
    "example.col.formula": "các công thức ở trên, tính ra số",
    "example.side": "Lượt truyền xuôi và lượt lan truyền ngược do mã numpy được sinh ra tính, đặt cạnh cùng "
                    "các đại lượng ấy tính từ các công thức của trang này (các biểu thức SymPy, thay số tại các "
                    "đầu vào này):",
    "example.byhand": "Bài tập 1 ở cuối trang tính lại phần tử đầu tiên bằng tay.",
    "rule.example.intro": "Một bước, với trạng thái ban đầu bằng không và {params}:",

    # PyTorch
    "h.torch": "Đối chiếu với PyTorch",
    "torch.intro": "Ví dụ bằng số ở trên, chạy qua mã được sinh ra và qua autograd của PyTorch; đoạn mã "
                   "khẳng định (assert) rằng cả hai cho cùng một đầu ra và cùng các gradient.",
    "pitfall.linear": "Cạm bẫy: `Linear` của PyTorch lưu trọng số theo dạng (đầu ra, đầu vào), giống $W$ ở "
                      "đây: $Y = X W^\\top + b$. Một trọng số lưu theo dạng (đầu vào, đầu ra) cần `x @ W` và "
                      "gradient $X^\\top G$.",
    "pitfall.relu": "Cạm bẫy: ReLU của PyTorch có đạo hàm bằng $0$ tại đúng $x = 0$; các trường hợp của bài "
                    "giảng, và trang này, cho gradient đi qua tại đó. Cả hai đều là dưới gradient hợp lệ; ví dụ "
                    "tránh $x = 0$ nên hai bên khớp nhau.",
    "pitfall.duplicate": "Cạm bẫy: trong PyTorch, một tensor được dùng hai lần được sao chép ngầm, và "
                         "autograd tự cộng các gradient — phép cộng đó chính là lượt lan truyền ngược của "
                         "mô-đun này.",
    "pitfall.add": "Cạm bẫy: khi có broadcasting (một độ lệch được cộng vào mọi hàng), gradient của đầu vào "
                   "được broadcast phải cộng dồn theo các trục được broadcast; PyTorch làm việc này thay bạn.",
    "pitfall.max": "Cạm bẫy: khi hai đầu vào bằng nhau $x_1 = x_2$, `torch.maximum` của PyTorch chia đôi "
                   "gradient cho hai đầu vào; bài giảng dồn toàn bộ cho $x_2$. Ví dụ không có trường hợp "
                   "bằng nhau.",
    "pitfall.sigmoid": "Cạm bẫy: với bộ phân loại nhị phân, đừng áp dụng sigmoid rồi dùng `BCELoss`; hãy dùng "
                       "`BCEWithLogitsLoss` trên logit, vốn không bao giờ bão hòa (logarit của sigmoid, đã "
                       "kiểm chứng ở trên).",
    "pitfall.tanh": "Cạm bẫy: `torch.tanh` bão hòa giống như sigmoid; trong các mạng sâu nên dùng ReLU.",
    "pitfall.softmax": "Cạm bẫy: đừng bao giờ tính `torch.log(torch.softmax(z))`: hãy dùng "
                       "`torch.log_softmax(z)`, hàm này trừ đi giá trị lớn nhất của hàng trước và không bị "
                       "tràn dưới.",
    "pitfall.log_softmax": "Cạm bẫy: `nn.NLLLoss` nhận log xác suất, tức đầu ra của `log_softmax`; "
                           "`nn.CrossEntropyLoss` nhận logit và tự áp dụng `log_softmax`.",
    "pitfall.cross_entropy": "Cạm bẫy: `CrossEntropyLoss` nhận logit, không nhận xác suất: đưa vào đầu ra của "
                             "một softmax là áp dụng softmax lần thứ hai, một cách lặng lẽ — không báo lỗi, "
                             "chỉ huấn luyện chậm hơn.",
    "pitfall.mse": "Cạm bẫy: theo mặc định `mse_loss` lấy trung bình trên cả $B n$ phần tử (như ở đây); "
                   "`reduction='sum'` nhân gradient lên $B n$ lần.",
    "pitfall.l2_penalty": "Cạm bẫy: `weight_decay=λ` của PyTorch cộng $\\lambda w$ vào gradient: nó tương ứng "
                          "với $\\alpha \\Vert w \\Vert^2$ khi $\\lambda = 2\\alpha$.",
    "pitfall.l1_penalty": "Cạm bẫy: các bộ tối ưu của PyTorch không có tùy chọn L1; cộng $\\alpha \\sum |w|$ vào "
                          "hàm mất mát cho ta dưới gradient này, vốn không làm trọng số bằng đúng không.",
    "pitfall.dropout": "Cạm bẫy: `F.dropout` tự rút mặt nạ và nhân với $1/(1-p)$ ở chế độ huấn luyện; "
                       "`model.eval()` biến nó thành ánh xạ đồng nhất. Phép đối chiếu ở đây truyền mặt nạ "
                       "một cách tường minh.",
    "pitfall.normalize": "Cạm bẫy: theo mặc định `torch.std` chia cho $B - 1$; bài giảng (và `BatchNorm`) "
                         "chia cho $B$ — `unbiased=False`. `BatchNorm` còn học thêm hệ số co giãn và dịch "
                         "chuyển, và lưu các đại lượng thống kê trượt để dùng khi đánh giá.",

    # kiểm tra bằng số, thu gọn
    "check.summary": "{n} phép kiểm tra bằng sai phân hữu hạn trung tâm, tất cả đều đạt; sai số tương đối "
                     "lớn nhất là {worst}.",
    "check.summary_failed": "{n} phép kiểm tra bằng sai phân hữu hạn trung tâm; có phép KHÔNG ĐẠT (sai số "
                            "tương đối lớn nhất {worst}).",
    "check.details": "Cách kiểm tra, và từng phép kiểm tra",

    # bài tập
    "h.exercises": "Bài tập",
    "ex.label": "Bài tập",
    "ex.solution": "Lời giải",
    "ex.answer_on": "lời giải ở trang",
    "ex.byhand.q": "Trong ví dụ bằng số, hãy tính bằng tay phần tử đầu tiên của $\\partial C/\\partial {x}$ "
                   "từ công thức của quy tắc chuỗi.",
    "ex.byhand.a": "Thay các con số của ví dụ vào công thức; kết quả chính là phần tử đầu tiên trong cột "
                   "của mã được sinh ra ở bảng trên.",
    "ex.byhand.a_case": "Thay các con số của ví dụ vào công thức, chỉ giữ trường hợp đúng với các số "
                        "đó (điều kiện của nó trong ngoặc); kết quả chính là phần tử đầu tiên trong cột "
                        "của mã được sinh ra ở bảng trên.",
    "ex.derive.q.module": "Tự tính đạo hàm: viết $\\partial C/\\partial {wrt}$ bằng ngôn ngữ biểu thức của "
                          "symbp (`g` là gradient truyền từ phía trên, `y` là đầu ra, các đầu vào gọi theo tên, "
                          "ký hiệu như numpy), rồi kiểm tra bằng `symbp check`.",
    "ex.derive.q.expr": "Tự tính đạo hàm: với mô-đun `{expr}`, viết $\\partial C/\\partial {wrt}$ bằng ngôn "
                        "ngữ biểu thức của symbp (`g` là gradient truyền từ phía trên, các đầu vào gọi theo tên, "
                        "ký hiệu như numpy), rồi kiểm tra bằng `symbp check`.",
    "ex.derive.a": "Một lời giải (mọi dạng bằng nhau về mặt đại số đều được chấp nhận); lệnh dưới đây đối "
                   "chiếu nó với quá trình tính đạo hàm và in ra một phản ví dụ nếu nó sai:",

    # các khẳng định mới
    "claim.sigmoid.pair": "Bài giảng: \"hàm sigmoid logistic, chính là hàm softmax cho một giá trị\". Chính "
                          "xác hơn: nó là thành phần thứ nhất của softmax của cặp $(x, 0)$.",
    "claim.log_softmax.saturation": "Bài giảng: log-softmax được đưa ra \"để giải quyết vấn đề gradient tiêu "
                                    "biến do softmax tạo ra\". Chính xác hơn (hai lớp, logit $(x, 0)$, "
                                    "$p = \\sigma(x)$): bản thân softmax vẫn bão hòa — đạo hàm $p(1-p)$ của nó "
                                    "tiến về 0 khi dự đoán $p \\to 0$ — nhưng logarit của nó có đạo hàm "
                                    "$1 - p \\to 1$: nhờ logarit (entropy chéo), một dự đoán sai mà rất tự tin "
                                    "vẫn nhận được gradient đủ lớn.",

    # các quy tắc cập nhật
    "rule.step_state": "Các bước của quy tắc, theo thứ tự, sau khi thay gradient đó vào (trạng thái bắt đầu "
                       "từ $0$):",
    "h.l1.oscillation": "L1 có làm trọng số bằng đúng không?",
    "l1.oscillation": "Không, với bước cập nhật này. Khi $\\partial C/\\partial w = 0$, $\\eta = \\alpha = 0.1$ "
                      "và một trọng số nhỏ, bước được sinh ra trừ đi $\\eta\\alpha = 0.01$ nhân với dấu của nó: "
                      "trọng số vượt qua không rồi nhảy qua lại quanh không với biên độ khoảng $\\eta\\alpha$:",
    "l1.col.step": "bước",
    "l1.col.w": "$w$",
    "l1.prox": "Bước proximal của số hạng phạt (phép ngưỡng mềm) thì đặt các trọng số nhỏ đúng bằng không: "
               "lấy bước gradient thông thường $u_i$, rồi kéo nó về phía không một lượng $\\eta\\alpha$ và "
               "dừng ở không (biểu thức SymPy, được kiểm chứng là điểm cực tiểu của "
               "$\\tfrac12 (v - u)^2 + \\eta\\alpha |v|$):",

    # kết quả chính
    "key.linear": "Dạng theo batch của các công thức $\\frac{{dC}}{{dX}} = W^\\top \\frac{{dC}}{{dY}}$ và "
                  "$\\frac{{dC}}{{dW}} = \\frac{{dC}}{{dY}} X^\\top$ của bài giảng, mỗi hàng là một mẫu "
                  "($G = \\partial C/\\partial Y$): gradient đi ngược qua $W$; gradient của $W$ là những gì truyền "
                  "tới nhân với những gì đã đi vào, cộng dồn trên batch; độ lệch cộng dồn $G$ trên batch.",
    "key.relu": "ReLU định tuyến: gradient đi qua ở những chỗ đầu vào không âm và bị chặn về không ở những "
                "chỗ còn lại.",
    "key.duplicate": "Một phép sao chép ở lượt truyền xuôi là một phép cộng ở lượt lan truyền ngược: gradient "
                     "của mọi nhánh được cộng lại.",
    "key.add": "Phép cộng phân phát: mỗi đầu vào nhận nguyên gradient truyền từ phía trên.",
    "key.max": "Max định tuyến: toàn bộ gradient đi về đầu vào thắng ($x_1$ chỉ khi $x_1 > x_2$).",
    "key.sigmoid": "$\\sigma' = y(1 - y)$: tính từ riêng đầu ra, tối đa là $1/4$, và gần $0$ ở những chỗ "
                   "sigmoid bão hòa.",
    "key.tanh": "$\\tanh' = 1 - y^2$: tính từ riêng đầu ra, gần $0$ ở những chỗ tanh bão hòa tại $\\pm 1$.",
    "key.softmax": "Ma trận Jacobian của mỗi hàng là $\\operatorname{{diag}}(y) - y y^\\top$; lượt lan truyền "
                   "ngược không bao giờ lập ra nó: $\\partial C/\\partial x = y \\odot (g - \\langle g, y\\rangle)$, "
                   "từng hàng một.",
    "key.log_softmax": "Lượt lan truyền ngược là $g$ trừ softmax nhân với tổng của $g$ trên hàng. Lượt truyền "
                       "xuôi trừ đi giá trị lớn nhất $a$ của hàng trước khi lấy mũ (phép dịch log-sum-exp): "
                       "cùng một giá trị, và không bị tràn số.",
    "key.cross_entropy": "Dự đoán trừ nhãn: $\\partial C/\\partial z = g\\,(\\operatorname{{softmax}}(z) - "
                         "\\text{{one-hot}}(t))/B$.",
    "key.mse": "Chính sai số, nhân với một hệ số: $2 (p - t) / (B n)$ nhân $g$.",
    "key.l2_penalty": "$2\\alpha w$: mỗi trọng số bị kéo về không tỷ lệ với độ lớn của nó.",
    "key.l1_penalty": "$\\alpha \\operatorname{{sign}}(w)$: cùng một lực kéo về không, bất kể trọng số lớn hay "
                      "nhỏ.",
    "key.dropout": "Lượt lan truyền ngược dùng lại mặt nạ của lượt truyền xuôi: các đầu vào bị loại không nhận "
                   "gradient, các đầu vào được giữ nhận $g/(1-p)$.",
    "key.normalize": "Với đại lượng thống kê của tập dữ liệu (trường hợp của bài giảng), phép chuẩn hóa là một "
                     "ánh xạ affine cố định: $\\partial C/\\partial x = g / \\max(\\sigma, \\epsilon)$. Với đại "
                     "lượng thống kê của batch, gradient còn đi qua cả $m$ và $\\sigma$.",
    "key.sgd": "Bước ngược hướng gradient, nhân với tốc độ học.",
    "key.sgd_l2": "Suy giảm trọng số: mỗi bước nhân $w$ với $1 - 2\\eta\\alpha$ trước bước gradient thông "
                  "thường.",
    "key.sgd_l1": "Một lực kéo không đổi $\\eta\\alpha \\operatorname{{sign}}(w)$ về không, cộng thêm vào bước "
                  "gradient.",
    "key.momentum": "Vận tốc là tổng trượt của các gradient; các trọng số di chuyển theo nó.",
    "key.adam": "Một bước riêng cho từng trọng số: trung bình của gradient chia cho căn của trung bình bình "
                "phương gradient, cả hai đều được hiệu chỉnh độ lệch, nên những bước đầu có độ lớn khoảng "
                "$\\eta$ bất kể gradient lớn hay nhỏ.",
    "key.chain_rule": "Lan truyền ngược nhân một vectơ hàng với một ma trận Jacobian tại mỗi nút: "
                      "$(1\\times N) = (1\\times M)(M\\times N)$.",
    "key.dag": "Khi một giá trị đi vào nhiều nút, gradient của nó là tổng các gradient theo mọi đường đi.",
    "key.kaiming": "$\\operatorname{{std}}(w) = \\sqrt{{2/n}}$, với $n$ là số đầu vào của lớp (`n_in` trong "
                   "mã), giữ phương sai không đổi qua các lớp ReLU.",

    # bài tập của từng trang
    "ex.linear.q": "Vì sao $\\partial C/\\partial b$ là một tổng trên batch? Trả về chính $G$ thì sai ở đâu?",
    "ex.linear.a": "$b$ được cộng vào mọi hàng: một tham số được dùng $B$ lần (một Bản sao), nên gradient của "
                   "nó là tổng của $B$ hàng của $G$. $G$ có kích thước $B \\times m$; $b$ có kích thước $m$.",
    "ex.relu.q": "ReLU của PyTorch không cho gradient đi qua tại đúng $x = 0$; các trường hợp của bài giảng thì "
                 "có. Điều này có ảnh hưởng tới việc huấn luyện không?",
    "ex.relu.a": "Hầu như không: với dữ liệu số thực, một đầu vào hầu như không bao giờ bằng đúng $0$. Cả hai "
                 "đều là dưới gradient hợp lệ của $\\max(x, 0)$ tại $0$ (mọi giá trị trong $[0, 1]$ đều hợp lệ).",
    "ex.duplicate.q": "Một giá trị được ba nút đọc. Lan truyền ngược làm gì với ba gradient mà nó nhận được, và "
                      "vì sao?",
    "ex.duplicate.a": "Cộng chúng lại: đọc một giá trị ba lần là tạo ra ba bản sao của nó, và lượt lan truyền "
                      "ngược của một Bản sao là phép cộng.",
    "ex.add.q": "Trong $Y = X_1 + X_2$, $X_2$ có kích thước $1 \\times n$ và được broadcast trên một batch "
                "$B \\times n$. $\\partial C/\\partial X_2$ bằng bao nhiêu?",
    "ex.add.a": "Broadcast là một Bản sao: tổng của $G$ trên batch, $\\mathbf{{1}}^\\top G$ ($1 \\times n$).",
    "ex.max.q": "Khi $x_1 = x_2$, đầu vào nào nhận gradient theo quy ước của bài giảng, và theo "
                "`torch.maximum` của PyTorch?",
    "ex.max.a": "Bài giảng: toàn bộ cho $x_2$ (nhánh \"còn lại\"). `torch.maximum`: mỗi bên một nửa.",
    "ex.sigmoid.q": "$\\sigma'$ lớn nhất ở đâu, và lớn bao nhiêu? Điều đó có ý nghĩa gì với một chồng mười "
                    "lớp sigmoid?",
    "ex.sigmoid.a": "Tại $x = 0$, nơi $y = 1/2$: $y(1 - y) = 1/4$. Mỗi lớp nhân gradient với nhiều nhất $1/4$ "
                    "(nhân thêm trọng số của nó), nên mười lớp nhân với nhiều nhất $4^{{-10}} \\approx 10^{{-6}}$: "
                    "chính là gradient tiêu biến trong hình ở trên.",
    "ex.tanh.q": "Chứng minh rằng $\\tanh(x) = 2\\sigma(2x) - 1$, rồi suy ra $\\tanh'$ từ $\\sigma'$.",
    "ex.tanh.a": "$2\\sigma(2x) - 1 = (1 - e^{{-2x}})/(1 + e^{{-2x}}) = \\tanh x$. Khi đó $\\tanh'(x) = "
                 "4\\sigma'(2x) = 4\\sigma(2x)(1 - \\sigma(2x)) = (1 + y)(1 - y) = 1 - y^2$: đúng kết quả chính.",
    "ex.softmax.q": "Vì sao $\\partial C/\\partial x$ bằng không khi $g$ có cùng một giá trị ở mọi phần tử của "
                    "một hàng?",
    "ex.softmax.a": "Softmax không thay đổi khi cộng một hằng số vào cả hàng. Bằng công thức: với $g_j = c$, "
                    "$\\langle g, y \\rangle = c \\sum_j y_j = c$, nên $y \\odot (g - c) = 0$.",
    "ex.log_softmax.q": "Tính log-softmax của hàng $(1000, 0)$ bằng float32 mà không dịch. Điều gì xảy ra, và "
                        "phép dịch cho kết quả gì?",
    "ex.log_softmax.a": "$e^{{1000}}$ tràn thành $\\infty$ và $\\infty/\\infty$ là NaN. Với $a = 1000$: "
                        "$\\log(e^0 + e^{{-1000}}) = 0$ trong độ chính xác của số thực dấu phẩy động, nên "
                        "log-softmax bằng $(0, -1000)$.",
    "ex.cross_entropy.q": "Điều gì xảy ra nếu đưa cho `CrossEntropyLoss` của PyTorch các xác suất (đầu ra của "
                          "một softmax) thay vì logit?",
    "ex.cross_entropy.a": "Nó lại áp dụng log-softmax một lần nữa: hàm mất mát là của một softmax thứ hai trên "
                          "các số trong $[0, 1]$, gần như đều nhau, nên gradient nhỏ và việc huấn luyện chậm. "
                          "Không có lỗi nào được báo.",
    "ex.mse.q": "Với `reduction='sum'` thay vì lấy trung bình, gradient thay đổi thế nào, và tốc độ học phải "
                "thay đổi ra sao để bù lại?",
    "ex.mse.a": "Gradient bị nhân với $B n$; hãy chia tốc độ học cho $B n$.",
    "ex.l2_penalty.q": "Với $\\eta = 0.1$ và $\\alpha = 10^{{-4}}$, suy giảm trọng số thu nhỏ một trọng số theo "
                       "hệ số bao nhiêu ở mỗi bước?",
    "ex.l2_penalty.a": "$1 - 2\\eta\\alpha = 0.99998$ mỗi bước (và $0.99998^{{1000}} \\approx 0.98$ sau 1000 "
                       "bước, nếu bỏ qua $C$).",
    "ex.l1_penalty.q": "Vì sao SGD thông thường với số hạng phạt L1 không làm trọng số bằng đúng không?",
    "ex.l1_penalty.a": "Bước của nó là một hằng số $\\eta\\alpha\\operatorname{{sign}}(w)$: một trọng số nhỏ hơn "
                       "$\\eta\\alpha$ sẽ nhảy qua không, và cứ nhảy qua lại trong $[-\\eta\\alpha, \\eta\\alpha]$. "
                       "Bước proximal (phép ngưỡng mềm trên trang SGD với điều chuẩn L1) mới đặt nó đúng bằng không.",
    "ex.dropout.q": "Khi đánh giá, dropout là ánh xạ đồng nhất. Vì sao khi huấn luyện phải nhân với $1/(1-p)$ "
                    "thì điều đó mới đúng?",
    "ex.dropout.a": "Để kỳ vọng của đầu ra khi huấn luyện bằng đầu vào: $\\mathbb{{E}}[x m / (1-p)] = x$ (khẳng "
                    "định ở trên); nếu không, khi đánh giá lớp kế tiếp sẽ thấy các đầu vào lớn gấp $1/(1-p)$ "
                    "lần so với khi huấn luyện.",
    "ex.normalize.q": "Trong bài giảng, $m$ và $\\sigma$ được tính một lần trên tập huấn luyện. Khi đó gradient "
                      "là công thức nào của trang này, và vì sao nó đơn giản hơn?",
    "ex.normalize.a": "Công thức với đại lượng thống kê cố định, $g / \\max(\\sigma, \\epsilon)$: các đại lượng "
                      "thống kê là hằng số, nên không có gì đi qua chúng.",
    "ex.sgd.q": "Nếu hàm chi phí được nhân với 2, phải thay đổi $\\eta$ thế nào để SGD đi những bước như cũ?",
    "ex.sgd.a": "Giảm một nửa: bước đi là $\\eta\\, \\partial C/\\partial w$.",
    "ex.sgd_l2.q": "Chứng minh rằng bước L2 bằng dạng suy giảm trọng số, và cho biết `weight_decay` "
                   "$\\lambda$ của SGD trong PyTorch ứng với $\\alpha$.",
    "ex.sgd_l2.a": "$w - \\eta(\\partial C/\\partial w + 2\\alpha w) = (1 - 2\\eta\\alpha) w - \\eta\\, "
                   "\\partial C/\\partial w$. PyTorch cộng $\\lambda w$ vào gradient: $\\lambda = 2\\alpha$.",
    "ex.sgd_l1.q": "Một trọng số bằng $0.0123$, $\\partial C/\\partial w = 0$, $\\eta = \\alpha = 0.1$. Hai bước "
                   "cho kết quả gì với quy tắc dưới gradient, và với phép ngưỡng mềm?",
    "ex.sgd_l1.a": "Dưới gradient: $0.0023$, rồi $-0.0077$ (bảng ở trên). Ngưỡng mềm: $0.0023$, rồi đúng bằng "
                   "$0$, vì $|0.0023| < \\eta\\alpha = 0.01$.",
    "ex.momentum.q": "Với một gradient không đổi $d$, vận tốc của momentum đạt tới giá trị nào, và tốc độ học "
                     "hiệu dụng là bao nhiêu?",
    "ex.momentum.a": "$v = \\mu v + d$ ổn định tại $v = d/(1 - \\mu)$: các bước bằng $\\eta d/(1-\\mu)$, lớn gấp "
                     "mười lần khi $\\mu = 0.9$.",
    "ex.adam.q": "Ở bước đầu tiên ($t = 1$, $m = v = 0$), bước của Adam cho mỗi trọng số có độ lớn bao nhiêu, "
                 "bất kể gradient của nó?",
    "ex.adam.a": "Với gradient $d$ thì $\\hat{{m}} = d$ và $\\hat{{v}} = d^2$, nên bước đi là "
                 "$\\eta d/(|d| + \\epsilon) \\approx \\eta \\operatorname{{sign}}(d)$: khoảng $\\eta$ cho mọi trọng "
                 "số — ví dụ bằng số cho thấy điều đó.",
    "ex.digits_mlp.q": "Lượt lan truyền ngược của mạng này không trả về những gradient nào, và vì sao?",
    "ex.digits_mlp.a": "Gradient của `target` và `mask` (chỉ số lớp và mặt nạ dropout không khả vi) và của `x` "
                       "(dữ liệu, không phải tham số): chỉ các tham số mới được huấn luyện.",
    "ex.chain_rule.q": "Bài giảng lưu ý rằng đồ thị có thể phụ thuộc vào dữ liệu. Cách đếm kích thước có thay "
                       "đổi không?",
    "ex.chain_rule.a": "Không: mỗi lượt truyền xuôi dựng đồ thị của riêng nó và lan truyền ngược đảo chiều đồ "
                       "thị đó. Các tích ma trận Jacobian vẫn như vậy; chỉ có đồ thị là khác nhau giữa các đầu vào.",
    "ex.dag.q": "Vì sao lan truyền ngược phải đi qua các nút theo thứ tự tô-pô ngược?",
    "ex.dag.a": "Gradient của một giá trị chỉ đầy đủ khi mọi nút đọc nó đã gửi phần đóng góp của mình; thứ tự "
                "tô-pô ngược (thứ tự bộ phận của bài giảng) bảo đảm điều đó.",
    "ex.kaiming.q": "Với tanh thay cho ReLU (đầu vào có trung bình bằng không, tanh gần với ánh xạ đồng nhất "
                    "quanh $0$), không có nửa phân phối nào bị cắt. $\\mathrm{{Var}}(w)$ nào giữ được phương sai?",
    "ex.kaiming.a": "Khi đó $\\mathbb{{E}}[x^2] \\approx \\mathrm{{Var}}(z)$, nên $n\\,\\mathrm{{Var}}(w) = 1$: "
                    "$\\mathrm{{Var}}(w) = 1/n$ (khởi tạo LeCun, hay Xavier).",
    "ex.schedules.q": "Lịch trình cosine làm gì sau $T$, và vì sao $T$ phải bằng số epoch của quá trình huấn "
                      "luyện?",
    "ex.schedules.a": "Nó tăng trở lại (đạo hàm của nó $\\ge 0$ khi $T < t < 2T$, đã chứng minh ở trên): nếu $T$ "
                      "ngắn hơn quá trình huấn luyện, tốc độ học sẽ tăng trở lại.",
    "ex.kaiming.q2": "Với trọng số có độ lệch chuẩn $0.01$ và độ rộng $256$, mỗi lớp ReLU nhân phương sai với hệ "
                     "số bao nhiêu, và còn lại bao nhiêu sau 20 lớp?",
    "ex.kaiming.a2": "$n\\,\\mathrm{{Var}}(w)/2 = 256 \\cdot 10^{{-4}}/2 = 0.0128$ mỗi lớp; sau 20 lớp "
                     "$0.0128^{{20}} \\approx 10^{{-38}}$: tín hiệu không còn — đường thấp nhất trong hình.",
    "ex.schedules.q2": "Với $\\eta_0 = 0.1$ và $k = 0.05$, lịch trình mũ cần bao nhiêu epoch để giảm tốc độ học "
                       "đi một nửa?",
    "ex.schedules.a2": "$e^{{-k t}} = 1/2$ khi $t = \\ln 2 / k \\approx 13.9$ epoch, bất kể $\\eta_0$.",
    "ex.tricks.q2": "Trong bảng, logarit của softmax huấn luyện giống hệt log-softmax. Vậy vì sao vẫn nên dùng "
                    "log-softmax?",
    "ex.tricks.a2": "Vì hai cách khác nhau ngay khi một xác suất bị tràn dưới (ví dụ float32 ở trên): logarit "
                    "của $0$ là $-\\infty$, gradient của nó không hữu hạn, và chỉ một mẫu như vậy cũng làm hỏng cả "
                    "một bước. Log-softmax không bao giờ tạo ra xác suất nhỏ xíu đó.",
    "ex.tricks.q": "Vì sao $\\epsilon = 10^{{-5}}$ cho hàm mất mát trên tập kiểm tra rất lớn trong khi độ chính "
                   "xác gần như không đổi?",
    "ex.tricks.a": "Một số điểm ảnh luôn bằng $0$ trong phần huấn luyện: $\\sigma = 0$, nên chúng bị chia cho "
                   "$\\epsilon$. Trong vài ảnh kiểm tra mà điểm ảnh ấy sáng, nó trở thành $10^5$ lần giá trị của "
                   "nó: những ảnh đó có logit vô lý và hàm mất mát khổng lồ, còn các ảnh khác vẫn được phân loại "
                   "như trước.",

    # ví dụ của bài giảng: G(w) -> C
    "title.chain_rule": "Ví dụ của bài giảng: lan truyền ngược qua G(w) → C",
    "chain_rule.about": "Ví dụ cụ thể của bài giảng: một hàm $\\bar{{y}} = G(x, w)$ đi vào hàm chi phí "
                        "$C(y, \\bar{{y}})$. Ở đây $G(x, w) = W x$ với $x$ có kích thước $3$ và $W$ có kích thước "
                        "$2 \\times 3$ (nên $w$ có $N = 6$ thành phần), và $C = \\Vert \\bar{{y}} - y \\Vert^2$. Nhân "
                        "các ma trận Jacobian biến đồ thị truyền xuôi thành đồ thị tính các gradient theo chiều "
                        "ngược lại; PyTorch và TensorFlow tự động dựng đồ thị này.",
    "chain_rule.figure": "Đồ thị truyền xuôi (trên) và đồ thị gradient có được khi đảo chiều nó (dưới), kèm ma "
                         "trận Jacobian mà mỗi cạnh đảo chiều nhân vào.",
    "chain_rule.graph": "Đi theo đồ thị gradient từ nút đầu tiên của nó, ở bên trái: $\\partial C/\\partial C = 1$, nhân với "
                        "$\\partial C/\\partial \\bar{{y}}$ trên cạnh thứ nhất, nhân với $\\partial G/\\partial w$ "
                        "trên cạnh thứ hai.",
    "h.chain_rule.dims": "Các kích thước",
    "chain_rule.dims": "$\\partial C/\\partial w$ là một vectơ hàng cỡ $1 \\times N$, với $N = {N}$ là số thành "
                       "phần của $w$; $\\partial C/\\partial \\bar{{y}}$ có cỡ $1 \\times M$, với $M = {M}$ là số "
                       "đầu ra của $G$; $\\partial G/\\partial w$ có cỡ $M \\times N$. Dưới dạng ma trận SymPy "
                       "(kích thước của chúng khớp nhau) và bằng số, ở dưới đây:",
    "chain_rule.numbers": "Mỗi thừa số được tính bằng mã được sinh ra của $G$ và $C$ (ma trận Jacobian tính từng "
                          "hàng một, bằng lượt lan truyền ngược của các vectơ đơn vị), tích của chúng, và gradient "
                          "mà mã được sinh ra của toàn bộ đồ thị trả về:",
    "chain_rule.data_dependent": "Bài giảng nói thêm rằng đồ thị có thể phụ thuộc vào dữ liệu (một mô-đun được "
                                 "chọn theo độ dài của đầu vào, các vòng lặp): lan truyền ngược vẫn đảo chiều đồ "
                                 "thị mà mỗi lượt truyền xuôi đã dựng, và chỉ trở nên khó quản lý khi số vòng lặp "
                                 "quá lớn.",

    # lan truyền ngược qua một DAG
    "title.dag": "Lan truyền ngược qua một DAG",
    "dag.about": "Bài giảng kết thúc bằng nhận xét này: lan truyền ngược không cần các lớp xếp chồng; nó dùng "
                 "được cho mọi đồ thị có hướng không chu trình (DAG) gồm các mô-đun, miễn là có một thứ tự bộ "
                 "phận trên chúng. Ở đây $h = \\operatorname{{Linear}}(x)$, $a = \\operatorname{{ReLU}}(h)$, "
                 "$s = a + x$ và $C = \\tfrac12 \\Vert s \\Vert^2$: $x$ được hai nút đọc.",
    "dag.figure": "Đồ thị, và đồ thị gradient có được khi đảo chiều nó: $x$ nhận hai gradient.",
    "dag.order": "Một thứ tự tô-pô (mỗi nút đứng sau các nút mà nó đọc): {order}. Lan truyền ngược đi theo thứ "
                 "tự ngược lại.",
    "dag.fanout": "$x$ đi tới $C$ theo hai đường, trực tiếp qua phép cộng và qua lớp tuyến tính cùng ReLU. "
                  "Gradient của nó là tổng của hai tích ma trận Jacobian (ma trận SymPy, tính bằng mã được sinh "
                  "ra của từng nút):",
    "dag.row.direct": "$x$ qua phép cộng",
    "dag.row.through": "$x$ qua lớp tuyến tính",
    "dag.row.total": "tổng của hai đường",
    "dag.row.net": "$\\partial C/\\partial x$ (mạng được sinh ra)",

    # các thủ thuật, được đo
    "title.tricks": "Các thủ thuật thực tế, được đo bằng số",
    "tricks.about": "Bài giảng liệt kê các thủ thuật thực tế. Trang này đo từng thủ thuật: một MLP nhỏ được huấn "
                    "luyện trên tập digits của scikit-learn bằng mã được sinh ra, một lần với mọi thủ thuật và "
                    "một lần cho mỗi thủ thuật bị bỏ đi hoặc thay thế, mọi thứ khác giữ nguyên, với seed cố định.",
    "tricks.setup": "Cấu hình gốc: 64 đầu vào, {hidden} nơ-ron ẩn ReLU, 10 lớp; {epochs} epoch SGD trên các "
                    "minibatch cỡ {batch}, xáo trộn lại ở mỗi epoch; tốc độ học {lr} với lịch trình cosine; đầu "
                    "vào được chuẩn hóa bằng đại lượng thống kê của phần huấn luyện ($\\epsilon = 1$, các điểm "
                    "ảnh nằm trong khoảng 0–16); khởi tạo Kaiming; dropout 0.2; suy giảm trọng số L2 "
                    "$10^{{-4}}$; entropy chéo dưới dạng NLL của log-softmax. Độ chính xác và hàm mất mát đo trên "
                    "một phần tư dữ liệu được giữ lại (phân tầng theo lớp):",
    "tricks.col.variant": "biến thể",
    "tricks.col.accuracy": "độ chính xác (kiểm tra)",
    "tricks.col.test_loss": "mất mát (kiểm tra)",
    "tricks.col.train_loss": "mất mát huấn luyện (epoch cuối)",
    # hình: nhãn trục, chú giải và tiêu đề (mỗi hình được vẽ riêng cho từng ngôn ngữ)
    "fig.word.forward": "truyền xuôi",
    "fig.word.gradient": "gradient",
    "fig.axis.layer": "lớp",
    "fig.axis.preactivation_variance": "phương sai tiền kích hoạt",
    "fig.axis.layer_from_input": "lớp (1 = gần đầu vào nhất)",
    "fig.axis.gradient_norm": "|dC/dW| (chuẩn Frobenius)",
    "fig.axis.epoch_t": "epoch t",
    "fig.axis.learning_rate": "tốc độ học",
    "fig.axis.epoch": "epoch",
    "fig.axis.test_accuracy": "độ chính xác trên phần kiểm tra",
    "tricks.legend.baseline": "cấu hình gốc",
    "tricks.legend.no_normalize": "không chuẩn hóa",
    "tricks.legend.tiny_eps": "$\\epsilon = 10^{-5}$",
    "tricks.legend.naive_init": "khởi tạo $\\mathcal{N}(0, 1)$",
    "tricks.legend.softmax_log": "log(softmax)",
    "tricks.legend.no_dropout": "không dropout",
    "tricks.legend.no_l2": "không L2",
    "tricks.legend.constant_lr": "tốc độ học không đổi",
    "tricks.row.baseline": "mọi thủ thuật (cấu hình gốc)",
    "tricks.row.no_normalize": "đầu vào không được chuẩn hóa",
    "tricks.row.tiny_eps": "chuẩn hóa với $\\epsilon = 10^{-5}$",
    "tricks.row.naive_init": "trọng số rút từ $\\mathcal{N}(0, 1)$ thay cho Kaiming",
    "tricks.row.softmax_log": "mất mát là logarit của softmax, không phải log-softmax",
    "tricks.row.no_dropout": "không dùng dropout",
    "tricks.row.no_l2": "không suy giảm trọng số L2",
    "tricks.row.constant_lr": "tốc độ học không đổi (không có lịch trình)",
    "tricks.figure": "Độ chính xác trên phần kiểm tra sau mỗi epoch, cho từng biến thể (các lần chạy mã được "
                     "sinh ra với seed cố định).",
    "h.tricks.reading": "Đọc bảng kết quả",
    "tricks.read.normalize": "**Chuẩn hóa đầu vào.** Ảnh hưởng lớn nhất: các điểm ảnh thô (0–16) làm các bước "
                             "của lớp đầu tiên theo một số hướng lớn hơn nhiều so với các hướng khác, và SGD với "
                             "tốc độ học này gần như không học được gì trong mười epoch (độ chính xác {value} so với {base}).",
    "tricks.read.eps": "**Chọn $\\epsilon$ theo thang đo của dữ liệu.** Với $\\epsilon = 10^{{-5}}$, những điểm "
                       "ảnh không bao giờ sáng trong phần huấn luyện bị chia cho $10^{{-5}}$ khi chúng sáng trong "
                       "một ảnh kiểm tra: vài ảnh kiểm tra có logit vô lý, và hàm mất mát trên tập kiểm tra bùng "
                       "nổ ({loss} so với {base}) trong khi độ chính xác gần như không đổi.",
    "tricks.read.init": "**Khởi tạo Kaiming.** Trọng số có phương sai 1 cho các tiền kích hoạt lớn gấp khoảng "
                        "$\\sqrt{{n}}$ lần: mạng bắt đầu ở rất xa một lời giải tốt và hàm mất mát của nó vẫn cao hơn (mất mát huấn luyện {loss} so với {base}).",
    "tricks.read.softmax": "**Log-softmax thay vì logarit của softmax.** Ở đây hai cách cho kết quả giống hệt "
                           "nhau: các logit vẫn ở mức vừa phải. Khác biệt chỉ xuất hiện khi một xác suất bị tràn "
                           "dưới, như với float32 và các logit $(0, 100, 200)$:",
    "tricks.read.dropout": "**Dropout.** Khi không có nó, hàm mất mát huấn luyện thấp hơn ({train} so với {base_train}) "
                           "và hàm mất mát kiểm tra cao hơn ({test} so với {base_test}): mạng khớp với phần huấn luyện nhiều hơn mức nó tổng quát hóa được.",
    "tricks.read.l2": "**Suy giảm trọng số L2.** Với $\\alpha = 10^{{-4}}$ và mười epoch, ảnh hưởng của nó nằm "
                      "trong mức dao động của một lần chạy.",
    "tricks.read.schedule": "**Lịch trình.** Chỉ với mười epoch, lịch trình cosine hạ tốc độ học quá sớm: ở đây "
                            "tốc độ học không đổi cho kết quả tốt hơn ({value} so với {base}). Lịch trình phát huy tác dụng trong những "
                            "lần huấn luyện dài, khi tốc độ học phải giảm để dừng lại ở một điểm cực tiểu.",
    "tricks.col.logit": "logit (float32)",
    "tricks.col.log_of_softmax": "log(softmax) (softmax được sinh ra, rồi lấy log)",
    "tricks.col.log_softmax": "log_softmax được sinh ra",
    "tricks.underflow": "Xác suất của lớp thứ nhất, $e^{{-200}}$, bị tràn dưới thành $0$ trong float32 (số float32 "
                        "nhỏ nhất vào khoảng $10^{{-45}}$), và logarit của nó là $-\\infty$; log-softmax trừ đi giá "
                        "trị lớn nhất trước và trả về $-200$. Ngay cả $e^{{-100}}$ cũng chỉ còn là một số dưới chuẩn "
                        "(subnormal) thiếu chính xác: logarit của nó ra {second} thay vì $-100$.",
    "tricks.more": "Không đo ở đây: xáo trộn dữ liệu (mọi lần chạy đều xáo trộn lại ở mỗi epoch) và minibatch "
                   "(mọi lần chạy đều dùng); xem bài giảng, và LeCun và cộng sự (1998), \"Efficient BackProp\", để "
                   "biết thêm các thủ thuật.",

    # bảng thuật ngữ
    "title.glossary": "Bảng thuật ngữ (Anh ↔ Việt)",
    "glossary.about": "Các thuật ngữ của bài giảng, từ tiếng Việt mà các trang này dùng, bản dịch của trang tiếng "
                      "Việt của khóa học khi nó khác với bản của chúng tôi, và các cách dịch sát chữ mà các trang "
                      "tiếng Việt tránh dùng. Các bài kiểm thử đối chiếu mọi trang tiếng Việt với bảng này.",
    "glossary.col.en": "tiếng Anh (bài giảng)",
    "glossary.col.vi": "tiếng Việt (các trang này)",
    "glossary.col.notes": "trang tiếng Việt của khóa học",
    "glossary.col.avoid": "tránh dùng",

    # lịch trình
    "schedules.rises": "Chỉ trên $0 \\le t \\le T$: sau $T$ đạo hàm đổi dấu và lịch trình cosine tăng trở lại "
                       "(SymPy: $\\sin(\\pi t/T) < 0$ khi $T < t < 2T$). Hàm được sinh ra cho {at} tại "
                       "$t = T = 50$ và {after} tại $t = 60$.",
}
