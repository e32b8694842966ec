"""What the schema does not say, for people: the purpose of each tab, the meaning of each
column and an example row, keyed by tab and column header (SPEC 2, 3, 7, 8).

``sheets/guide.py`` turns these and ``sheets/schema.py`` into docs/huong-dan-bang-tinh.md;
tests/test_guide.py fails when a tab or column of the schema has no entry here, or an entry
names a column the schema no longer has. Vietnamese throughout: users read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheets import schema as S


@dataclass(frozen=True)
class TabDoc:
    purpose: str  # what one row is, and why the federation keeps it
    who: str  # who fills it in
    notes: tuple[str, ...] = ()  # rules that concern the whole tab


TAB_DOCS: dict[str, TabDoc] = {
    "DonVi": TabDoc(
        "Danh sách mọi cấp công đoàn của tỉnh: LĐLĐ tỉnh (gốc), các công đoàn cấp trên cơ sở và các "
        "công đoàn cơ sở. Mỗi dòng một đơn vị; cây đơn vị được dựng từ cột «Mã đơn vị cấp trên», nên "
        "khi tỉnh sắp xếp lại đơn vị chỉ cần sửa dữ liệu, không cần sửa chương trình.",
        "Quản trị (LĐLĐ tỉnh).",
        (
            "Phải có đúng một đơn vị cấp «Tỉnh», không có mã đơn vị cấp trên.",
            "Mọi dòng dữ liệu ở các trang khác phải thuộc một đơn vị trong trang này, và thuộc phạm vi "
            "của đơn vị giữ bảng tính chứa dòng đó.",
        ),
    ),
    "ChiTieu": TabDoc(
        "Ngưỡng phải đạt của từng chỉ tiêu trong một năm. Năm nào không có dòng cho một chỉ tiêu thì "
        "dùng ngưỡng mặc định của Kế hoạch 48: " + ", ".join(
            f"{code} {value:g} %" for code, value in S.DEFAULT_THRESHOLDS.items()) + ".",
        "Quản trị (LĐLĐ tỉnh).",
    ),
    "KyBaoCao": TabDoc(
        "Hạn nộp báo cáo định kỳ của từng kỳ trong năm. Năm nào không có dòng thì hạn là 15/06 "
        "(kỳ «6 tháng») và 15/12 (kỳ «Năm»).",
        "Quản trị (LĐLĐ tỉnh).",
    ),
    "NguoiDung": TabDoc(
        "Những người được dùng ứng dụng: e-mail đăng nhập, vai trò và đơn vị. Một e-mail đăng nhập "
        "được mà không có trong trang này chỉ thấy trang «Chưa được cấp quyền».",
        "Quản trị (LĐLĐ tỉnh). Dòng đầu tiên là chính người quản trị (xem README, «Ngày đầu tiên»).",
        ("Mỗi e-mail một dòng; sửa vai trò hoặc đơn vị bằng cách thêm dòng mới cùng e-mail (dòng "
         "dưới cùng, hoặc dòng có «Cập nhật lúc» mới nhất, được dùng); bỏ quyền bằng «Hủy» = Có.",),
    ),
    "MauIn": TabDoc(
        "Vị trí in từng trường lên phôi giấy khen, bằng khen in sẵn, cho mỗi hình thức khen. Hình "
        "thức nào không có dòng thì in trên trang A4 ngang trơn.",
        "Quản trị (LĐLĐ tỉnh).",
        ("Tọa độ tính bằng mi-li-mét từ góc trên bên trái của tờ giấy.",),
    ),
    "KeHoach": TabDoc(
        "Kế hoạch thi đua, khen thưởng năm của mỗi đơn vị: đã ban hành chưa, đã phát động chưa. "
        "Dùng cho chỉ tiêu T1A (công đoàn cấp trên cơ sở) và T1B (công đoàn cơ sở).",
        "Cán bộ cấp trên cơ sở (cho đơn vị mình và các công đoàn cơ sở trực thuộc), cán bộ thi đua "
        "tỉnh, quản trị.",
    ),
    "PhongTrao": TabDoc(
        "Các phong trào thi đua do một đơn vị phát động, với hạn và ngày sơ kết, tổng kết. Dùng cho "
        "chỉ tiêu T2 (phong trào được sơ kết, tổng kết đúng hạn).",
        "Đơn vị phát động (cán bộ cấp trên cơ sở), cán bộ thi đua tỉnh, quản trị.",
    ),
    "KhenThuong": TabDoc(
        "Các khen thưởng đã có quyết định, mỗi dòng một cá nhân hoặc một tập thể được khen. Dùng cho "
        "chỉ tiêu T3 (tỉ lệ khen công nhân, lao động trực tiếp) và các thống kê khen thưởng.",
        "Đơn vị ra quyết định khen; ứng dụng tự thêm dòng khi một hồ sơ được ghi «Đã quyết định».",
        ("Cùng một người (tên và đơn vị), cùng hình thức, cùng năm dưới hai mã là một cảnh báo: có "
         "thể đã nhập trùng.",),
    ),
    "CanBo": TabDoc(
        "Cán bộ làm công tác thi đua, khen thưởng ở mỗi đơn vị. Dùng cho chỉ tiêu T4 (cán bộ được tập "
        "huấn) và O1 (công đoàn cơ sở có cán bộ làm công tác thi đua, khen thưởng).",
        "Cán bộ cấp trên cơ sở, cán bộ thi đua tỉnh, quản trị.",
    ),
    "KhoaHoc": TabDoc(
        "Các khóa tập huấn nghiệp vụ thi đua, khen thưởng, với đơn vị tổ chức và ngày học.",
        "Điều phối đào tạo (khóa do đơn vị mình và cấp dưới tổ chức), cán bộ thi đua tỉnh, quản trị.",
    ),
    "DiemDanh": TabDoc(
        "Ai được mời và ai có mặt ở mỗi khóa tập huấn. Dòng có «Có mặt» = Không nghĩa là được mời "
        "nhưng vắng.",
        "Điều phối đào tạo, cán bộ thi đua tỉnh, quản trị.",
        ("Dòng điểm danh thuộc về đơn vị tổ chức khóa học (cho quy tắc phạm vi).",
         "Mã khóa hoặc mã cán bộ không có trong KhoaHoc, CanBo là lỗi.",),
    ),
    "DienHinh": TabDoc(
        "Các điển hình tiên tiến (cá nhân, tập thể) và mô hình, cách làm hay, nơi đã tuyên truyền và "
        "đã được nhân rộng chưa.",
        "Cán bộ cấp trên cơ sở, cán bộ thi đua tỉnh, quản trị.",
    ),
    "BaoCao": TabDoc(
        "Các báo cáo định kỳ (6 tháng, năm) mỗi đơn vị đã gửi lên cấp trên, và ngày gửi. Dùng cho chỉ "
        "tiêu O2 (công đoàn cấp trên cơ sở) và O3 (công đoàn cơ sở) báo cáo đúng hạn (hạn ở KyBaoCao).",
        "Đơn vị gửi báo cáo, hoặc cấp trên nhận báo cáo.",
    ),
    "NhacViec": TabDoc(
        "Các lần nhắc việc, đôn đốc đã gửi: mỗi dòng một đơn vị được nhắc và một nội dung. Ứng dụng "
        "tự ghi khi gửi thư nhắc từ trang «Đôn đốc»; nhắc qua Zalo, điện thoại thì ghi tay sau khi gửi.",
        "Cán bộ cấp trên cơ sở (nhắc đơn vị cấp dưới), điều phối đào tạo (nhắc về tập huấn), cán bộ thi "
        "đua tỉnh, quản trị.",
        ("Dòng nhắc thuộc về đơn vị nhắc (phạm vi và bảng tính lưu dòng đó).",),
    ),
    "HoSo": TabDoc(
        "Hồ sơ đề nghị khen thưởng do một đơn vị gửi lên cấp trên. Mỗi bước (gửi, tiếp nhận, trả lại, "
        "xét duyệt, quyết định) là một dòng mới cùng mã hồ sơ: các dòng là lịch sử của hồ sơ.",
        "Ứng dụng ghi khi người dùng làm từng bước ở trang «Hồ sơ khen thưởng»; không nên gõ tay.",
        ("Chỉ nhận các bước hợp lệ: Nháp → Đã gửi → Đã tiếp nhận → Đã xét duyệt → Đã quyết định. "
         "Hồ sơ «Đã gửi» có thể Rút; cấp trên có thể Trả lại hồ sơ «Đã gửi» hoặc «Đã tiếp nhận», và "
         "hồ sơ bị trả lại được sửa và gửi lại.",
         "Bên đề nghị ghi các bước của mình vào bảng tính của đơn vị đề nghị; bên nhận (cấp trên) ghi "
         "vào bảng tính của đơn vị nhận. Một trạng thái gõ tay vào bảng tính bên đề nghị không thể giả "
         "làm bước tiếp nhận hay quyết định.",),
    ),
    "HoSoDanhSach": TabDoc(
        "Danh sách cá nhân, tập thể được đề nghị trong một hồ sơ, và kết quả xét duyệt của hội đồng.",
        "Bên đề nghị lập danh sách (khi hồ sơ là «Nháp» hoặc «Trả lại»); bên nhận ghi «Kết quả» và "
        "«Tỉ lệ phiếu (%)» (khi hồ sơ «Đã tiếp nhận»).",
        ("Dòng danh sách thuộc về đơn vị đề nghị của hồ sơ (cho quy tắc phạm vi).",),
    ),
    "DangKy": TabDoc(
        "Đăng ký thi đua đầu năm của mỗi đơn vị: ngày đăng ký, các danh hiệu đăng ký. Cuối năm ứng "
        "dụng so từng danh hiệu đã đăng ký với khen thưởng tập thể đơn vị nhận được.",
        "Cán bộ cấp trên cơ sở, cán bộ thi đua tỉnh, quản trị.",
    ),
}

# The four columns any tab may end with (SPEC 3.1 "Versions"); the app fills the last three.
AUDIT_DOCS: dict[str, str] = {
    "Hủy": "Có = bỏ bản ghi này (mọi dòng cùng khóa): nó không còn được tính ở đâu. Để trống là Không. "
           "Không xóa dòng trong bảng tính: thêm một dòng cùng khóa với «Hủy» = Có.",
    "Cập nhật lúc": "Thời điểm ghi dòng này; ứng dụng tự điền. Dòng có thời điểm mới nhất là bản đang "
                    "dùng; dòng không có thời điểm cũ hơn mọi dòng có.",
    "Người cập nhật": "E-mail người ghi dòng này; ứng dụng tự điền.",
    "Mã lần ghi": "Mã ứng dụng đặt cho mỗi lần ghi, để một lần ghi lặp lại không bị lưu hai lần; "
                  "ứng dụng tự điền, không sửa.",
}

COLUMN_DOCS: dict[tuple[str, str], str] = {
    # DonVi
    ("DonVi", "Mã đơn vị"): "Mã ngắn, duy nhất của đơn vị, ví dụ BK (tỉnh), BABE (LĐLĐ huyện Ba Bể). "
                            "Các trang khác nhắc đến đơn vị bằng mã này.",
    ("DonVi", "Tên đơn vị"): "Tên đầy đủ, như trên văn bản.",
    ("DonVi", "Cấp"): "Cấp của đơn vị trong hệ thống công đoàn.",
    ("DonVi", "Mã đơn vị cấp trên"): "Mã của đơn vị cấp trên trực tiếp; bắt buộc trừ đơn vị cấp «Tỉnh». "
                                     "Phải có trong trang, không được tạo vòng. Công đoàn cơ sở trực thuộc "
                                     "LĐLĐ tỉnh ghi mã của tỉnh.",
    ("DonVi", "Loại hình"): "Với «Cấp trên cơ sở»: LĐLĐ huyện, thành phố / Công đoàn ngành / Khác. Với "
                            "«Cơ sở»: loại cơ quan, đơn vị, doanh nghiệp.",
    ("DonVi", "Số đoàn viên"): "Số đoàn viên hiện có, số nguyên không âm.",
    ("DonVi", "Ngày thành lập"): "Để trống nếu đơn vị đã có từ trước; đơn vị thành lập sau ngày tính chưa "
                                 "được tính.",
    ("DonVi", "Trạng thái"): "Để trống là «Đang hoạt động».",
    ("DonVi", "Ngày giải thể"): "Ngày đơn vị thôi hoạt động; từ ngày này đơn vị không còn được tính.",
    ("DonVi", "Bảng tính"): "Bảng tính riêng của đơn vị: đường dẫn hoặc khóa Google Sheets, tên sổ tính "
                            ".xlsx nằm cùng thư mục với sổ tính đăng ký, hoặc tên trong SQLite. Để trống: "
                            "đơn vị ghi dữ liệu vào bảng tính của cấp trên gần nhất có bảng tính.",
    ("DonVi", "Email"): "E-mail liên hệ của đơn vị, để nhận thư nhắc việc.",
    ("DonVi", "Điện thoại"): "Số điện thoại liên hệ của đơn vị.",
    # ChiTieu
    ("ChiTieu", "Năm"): "Năm áp dụng ngưỡng.",
    ("ChiTieu", "Mã chỉ tiêu"): "T1A, T1B: kế hoạch và phát động (cấp trên cơ sở, cơ sở); T2: sơ kết, tổng "
                                "kết phong trào; T3: khen công nhân, lao động trực tiếp; T4: cán bộ được tập "
                                "huấn; O1: cơ sở có cán bộ TĐKT; O2, O3: báo cáo đúng hạn.",
    ("ChiTieu", "Ngưỡng (%)"): "Tỉ lệ phải đạt. Gõ 1 là 100 %, còn 1% là 1 %.",
    ("ChiTieu", "Ghi chú"): "Ghi chú tùy ý, ví dụ căn cứ văn bản.",
    # KyBaoCao
    ("KyBaoCao", "Năm"): "Năm của kỳ báo cáo.",
    ("KyBaoCao", "Kỳ"): "Kỳ báo cáo.",
    ("KyBaoCao", "Hạn nộp"): "Hạn cuối gửi báo cáo của kỳ; gửi muộn hơn là không đúng hạn.",
    # NguoiDung
    ("NguoiDung", "Email"): "E-mail người đó dùng để đăng nhập (đúng như tài khoản Google, Microsoft… của "
                            "họ).",
    ("NguoiDung", "Họ tên"): "Họ và tên, để hiển thị.",
    ("NguoiDung", "Vai trò"): "Quyền của người dùng (bảng vai trò bên dưới).",
    ("NguoiDung", "Mã đơn vị"): "Đơn vị người đó làm việc; giới hạn những gì họ được ghi. Quản trị, lãnh "
                                "đạo tỉnh và cán bộ thi đua tỉnh ghi mã của tỉnh.",
    # MauIn
    ("MauIn", "Hình thức"): "Hình thức khen có phôi in sẵn, đúng như trong «Hình thức» của KhenThuong, "
                            "ví dụ Giấy khen.",
    ("MauIn", "Trường"): "Nội dung in tại vị trí này.",
    ("MauIn", "X (mm)"): "Khoảng cách từ mép trái tờ giấy, mi-li-mét.",
    ("MauIn", "Y (mm)"): "Khoảng cách từ mép trên tờ giấy, mi-li-mét.",
    ("MauIn", "Cỡ chữ"): "Cỡ chữ (point); để trống là cỡ mặc định.",
    # KeHoach
    ("KeHoach", "Năm"): "Năm của kế hoạch.",
    ("KeHoach", "Mã đơn vị"): "Đơn vị có kế hoạch.",
    ("KeHoach", "Có kế hoạch"): "Đơn vị đã ban hành kế hoạch thi đua, khen thưởng năm chưa.",
    ("KeHoach", "Số, ký hiệu văn bản"): "Số, ký hiệu của kế hoạch, ví dụ 12/KH-LĐLĐ.",
    ("KeHoach", "Ngày ban hành"): "Ngày ký kế hoạch.",
    ("KeHoach", "Đã phát động"): "Đơn vị đã phát động thi đua năm chưa. T1A, T1B chỉ tính đơn vị có cả kế "
                                 "hoạch và phát động.",
    ("KeHoach", "Ghi chú"): "Ghi chú tùy ý.",
    # PhongTrao
    ("PhongTrao", "Mã phong trào"): "Mã ngắn, duy nhất, ví dụ PT2025-01. KhenThuong, DienHinh, HoSo nhắc đến "
                                    "phong trào bằng mã này.",
    ("PhongTrao", "Tên phong trào"): "Ví dụ «Lao động giỏi, lao động sáng tạo», «Giỏi việc nước, đảm việc "
                                     "nhà», «Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động».",
    ("PhongTrao", "Mã đơn vị"): "Đơn vị phát động phong trào.",
    ("PhongTrao", "Đối tượng"): "Phong trào dành cho ai.",
    ("PhongTrao", "Ngày phát động"): "Ngày phát động phong trào.",
    ("PhongTrao", "Năm kết thúc"): "Năm phong trào kết thúc; để trống là năm phát động.",
    ("PhongTrao", "Hạn sơ kết"): "Hạn sơ kết; để trống nếu phong trào không phải sơ kết.",
    ("PhongTrao", "Ngày sơ kết"): "Ngày đã sơ kết; để trống khi chưa sơ kết.",
    ("PhongTrao", "Hạn tổng kết"): "Hạn tổng kết; để trống là 31/12 của năm kết thúc.",
    ("PhongTrao", "Ngày tổng kết"): "Ngày đã tổng kết; để trống khi chưa tổng kết.",
    ("PhongTrao", "Trạng thái"): "Để trống là «Đang triển khai». Phong trào «Dừng» không đạt T2.",
    # KhenThuong
    ("KhenThuong", "Mã khen thưởng"): "Mã ngắn, duy nhất, ví dụ KT2025-001. Khen thưởng từ hồ sơ có mã "
                                      "«mã hồ sơ-STT».",
    ("KhenThuong", "Năm"): "Năm thi đua được khen; để trống là năm của ngày quyết định.",
    ("KhenThuong", "Số quyết định"): "Số, ký hiệu quyết định khen, ví dụ 45/QĐ-LĐLĐ.",
    ("KhenThuong", "Ngày quyết định"): "Ngày ký quyết định.",
    ("KhenThuong", "Cấp khen"): "Cấp ra quyết định khen.",
    ("KhenThuong", "Hình thức"): "Hình thức khen. Thường dùng: " + "; ".join(S.AWARD_FORMS)
                                 + ". Giá trị khác cũng được nhận.",
    ("KhenThuong", "Loại khen thưởng"): "Để trống là «Thường xuyên».",
    ("KhenThuong", "Đối tượng"): "Khen cá nhân hay tập thể.",
    ("KhenThuong", "Tên người hoặc tập thể"): "Họ tên người được khen, hoặc tên tập thể.",
    ("KhenThuong", "Mã đơn vị"): "Đơn vị của người hoặc tập thể được khen.",
    ("KhenThuong", "Chức vụ"): "Chức vụ của người được khen.",
    ("KhenThuong", "Nhóm đối tượng"): "Bắt buộc với cá nhân (để trống là cảnh báo). T3 đếm hai nhóm đầu "
                                      "(công nhân, lao động trực tiếp và CCVC không giữ chức vụ lãnh đạo).",
    ("KhenThuong", "Giới tính"): "Giới tính của người được khen.",
    ("KhenThuong", "Mã phong trào"): "Phong trào thi đua gắn với khen thưởng này (mã trong PhongTrao), "
                                     "nếu có.",
    ("KhenThuong", "Giá trị làm lợi (đồng)"): "Giá trị làm lợi của sáng kiến được khen, nếu có.",
    ("KhenThuong", "Thành tích"): "Tóm tắt thành tích.",
    ("KhenThuong", "Mã hồ sơ"): "Hồ sơ đề nghị đã dẫn tới khen thưởng này; để trống khi nhập trực tiếp. "
                                "Ứng dụng tự điền khi ghi quyết định.",
    # CanBo
    ("CanBo", "Mã cán bộ"): "Mã ngắn, duy nhất, ví dụ CB-BABE-01. DiemDanh nhắc đến cán bộ bằng mã này.",
    ("CanBo", "Họ tên"): "Họ và tên cán bộ.",
    ("CanBo", "Mã đơn vị"): "Đơn vị cán bộ làm công tác thi đua, khen thưởng.",
    ("CanBo", "Chức vụ"): "Chức vụ của cán bộ.",
    ("CanBo", "Chế độ"): "Chuyên trách hay kiêm nhiệm công tác thi đua, khen thưởng.",
    ("CanBo", "Ngày phân công"): "Ngày được phân công; để trống nếu đã làm từ trước.",
    ("CanBo", "Ngày thôi"): "Ngày thôi làm công tác này; từ ngày đó cán bộ không còn được tính.",
    ("CanBo", "Điện thoại"): "Số điện thoại liên hệ.",
    ("CanBo", "Email"): "E-mail liên hệ; nhận thư nhắc việc gửi cho đơn vị.",
    # KhoaHoc
    ("KhoaHoc", "Mã khóa"): "Mã ngắn, duy nhất, ví dụ TH2025-01.",
    ("KhoaHoc", "Tên khóa"): "Tên khóa tập huấn.",
    ("KhoaHoc", "Mã đơn vị"): "Đơn vị tổ chức khóa học.",
    ("KhoaHoc", "Ngày bắt đầu"): "Ngày khai giảng.",
    ("KhoaHoc", "Ngày kết thúc"): "Ngày bế giảng; để trống là ngày bắt đầu. T4 tính khóa học theo ngày này.",
    ("KhoaHoc", "Địa điểm"): "Nơi tổ chức.",
    ("KhoaHoc", "Hình thức"): "Cách tổ chức khóa học.",
    # DiemDanh
    ("DiemDanh", "Mã khóa"): "Mã khóa học (trong KhoaHoc).",
    ("DiemDanh", "Mã cán bộ"): "Mã cán bộ (trong CanBo).",
    ("DiemDanh", "Có mặt"): "Cán bộ có dự khóa học không.",
    ("DiemDanh", "Ghi chú"): "Ghi chú tùy ý, ví dụ lý do vắng.",
    # DienHinh
    ("DienHinh", "Mã"): "Mã ngắn, duy nhất, ví dụ DH2025-01.",
    ("DienHinh", "Năm"): "Năm được biểu dương.",
    ("DienHinh", "Tên"): "Tên người, tập thể hoặc mô hình.",
    ("DienHinh", "Loại"): "Cá nhân, tập thể hay mô hình, cách làm hay.",
    ("DienHinh", "Mã đơn vị"): "Đơn vị của điển hình.",
    ("DienHinh", "Nhóm đối tượng"): "Nhóm của cá nhân điển hình (như trong KhenThuong).",
    ("DienHinh", "Mã phong trào"): "Phong trào gắn với điển hình (mã trong PhongTrao), nếu có.",
    ("DienHinh", "Kênh tuyên truyền"): "Nơi đã tuyên truyền; nhiều kênh thì cách nhau bằng dấu phẩy.",
    ("DienHinh", "Ngày tuyên truyền"): "Ngày tuyên truyền (lần đầu).",
    ("DienHinh", "Đã nhân rộng"): "Điển hình, mô hình đã được nhân rộng chưa.",
    # BaoCao
    ("BaoCao", "Mã đơn vị"): "Đơn vị gửi báo cáo.",
    ("BaoCao", "Năm"): "Năm của kỳ báo cáo.",
    ("BaoCao", "Kỳ"): "Kỳ báo cáo.",
    ("BaoCao", "Ngày gửi"): "Ngày gửi báo cáo; đúng hạn khi không sau «Hạn nộp» trong KyBaoCao.",
    ("BaoCao", "Số, ký hiệu văn bản"): "Số, ký hiệu báo cáo, ví dụ 30/BC-LĐLĐ.",
    # NhacViec
    ("NhacViec", "Mã nhắc"): "Mã ngắn, duy nhất; ứng dụng tự đặt khi gửi từ trang «Đôn đốc».",
    ("NhacViec", "Đơn vị nhắc"): "Đơn vị gửi lời nhắc.",
    ("NhacViec", "Mã đơn vị"): "Đơn vị được nhắc; phải thuộc cấp dưới của đơn vị nhắc.",
    ("NhacViec", "Năm"): "Năm của việc được nhắc.",
    ("NhacViec", "Nội dung nhắc"): "Việc được nhắc (một dòng cho mỗi việc).",
    ("NhacViec", "Kênh"): "Cách đã gửi lời nhắc.",
    ("NhacViec", "Gửi đến"): "Người hoặc địa chỉ đã nhận (e-mail, số điện thoại).",
    ("NhacViec", "Ngày nhắc"): "Ngày gửi lời nhắc.",
    ("NhacViec", "Nội dung"): "Nội dung lời nhắc đã gửi.",
    # HoSo
    ("HoSo", "Mã hồ sơ"): "Mã duy nhất; ứng dụng đề xuất dạng HS<năm>-<mã đơn vị>-<số>.",
    ("HoSo", "Mã đơn vị"): "Đơn vị đề nghị; hồ sơ gửi lên đơn vị cấp trên của đơn vị này.",
    ("HoSo", "Năm"): "Năm của thành tích được đề nghị khen.",
    ("HoSo", "Trích yếu"): "Ví dụ «Đề nghị tặng Bằng khen của LĐLĐ tỉnh năm 2025».",
    ("HoSo", "Loại khen thưởng"): "Để trống là «Thường xuyên». Hồ sơ «Đột xuất» quá hạn sau 10 ngày, hồ "
                                  "sơ khác sau 30 ngày.",
    ("HoSo", "Mã phong trào"): "Phong trào gắn với hồ sơ (mã trong PhongTrao), nếu có.",
    ("HoSo", "Trạng thái"): "Bước hiện tại của hồ sơ.",
    ("HoSo", "Số tờ trình"): "Số, ký hiệu tờ trình đề nghị.",
    ("HoSo", "Ngày gửi"): "Bắt buộc từ bước «Đã gửi»; gửi lại sau khi bị trả lại thì ghi ngày mới.",
    ("HoSo", "Ngày tiếp nhận"): "Ngày cấp trên tiếp nhận hồ sơ.",
    ("HoSo", "Lý do trả lại"): "Bắt buộc khi «Trả lại».",
    ("HoSo", "Ngày xét duyệt"): "Ngày họp hội đồng thi đua, khen thưởng.",
    ("HoSo", "Số quyết định"): "Bắt buộc khi «Đã quyết định».",
    ("HoSo", "Ngày quyết định"): "Bắt buộc khi «Đã quyết định».",
    ("HoSo", "Cấp khen"): "Bắt buộc khi «Đã quyết định»; phải khớp đơn vị nhận: «LĐLĐ tỉnh» khi tỉnh "
                          "quyết định, «Cấp trên cơ sở» khi công đoàn cấp trên cơ sở quyết định.",
    ("HoSo", "Người ký"): "Chức vụ và họ tên người ký, để in văn bản.",
    # HoSoDanhSach
    ("HoSoDanhSach", "Mã hồ sơ"): "Mã hồ sơ (phải có trong HoSo).",
    ("HoSoDanhSach", "STT"): "Số thứ tự trong danh sách, từ 1.",
    ("HoSoDanhSach", "Đối tượng"): "Đề nghị khen cá nhân hay tập thể.",
    ("HoSoDanhSach", "Tên người hoặc tập thể"): "Họ tên người, hoặc tên tập thể được đề nghị.",
    ("HoSoDanhSach", "Mã đơn vị"): "Đơn vị của người được đề nghị; phải thuộc đơn vị đề nghị hoặc cấp "
                                   "dưới của nó.",
    ("HoSoDanhSach", "Chức vụ"): "Chức vụ của người được đề nghị.",
    ("HoSoDanhSach", "Nhóm đối tượng"): "Bắt buộc với cá nhân (để trống là cảnh báo).",
    ("HoSoDanhSach", "Giới tính"): "Giới tính của người được đề nghị.",
    ("HoSoDanhSach", "Hình thức đề nghị"): "Hình thức khen đề nghị, như «Hình thức» trong KhenThuong.",
    ("HoSoDanhSach", "Thành tích"): "Tóm tắt thành tích.",
    ("HoSoDanhSach", "Giá trị làm lợi (đồng)"): "Giá trị làm lợi của sáng kiến, nếu có.",
    ("HoSoDanhSach", "Kết quả"): "Kết quả của hội đồng; để trống đến khi xét duyệt. «Trình cấp trên»: "
                                 "đơn vị nhận sẽ đề nghị tiếp lên cấp trên của mình.",
    ("HoSoDanhSach", "Tỉ lệ phiếu (%)"): "Tỉ lệ phiếu đồng ý của hội đồng cho người này.",
    # DangKy
    ("DangKy", "Năm"): "Năm đăng ký thi đua.",
    ("DangKy", "Mã đơn vị"): "Đơn vị đăng ký.",
    ("DangKy", "Ngày đăng ký"): "Ngày gửi bản đăng ký.",
    ("DangKy", "Danh hiệu đăng ký"): "Các danh hiệu, hình thức tập thể đăng ký, cách nhau bằng dấu phẩy, "
                                     "viết như «Hình thức» trong KhenThuong để cuối năm so được.",
    ("DangKy", "Số cá nhân đăng ký"): "Số cá nhân đăng ký thi đua, số nguyên không âm.",
    ("DangKy", "Ghi chú"): "Ghi chú tùy ý.",
}

# One example row per tab: header -> the cell as a user would type it. Together they describe
# a small, consistent province (BK, its district BABE, a grassroots union BABE-THPT).
EXAMPLES: dict[str, dict[str, str]] = {
    "DonVi": {"Mã đơn vị": "BABE-THPT", "Tên đơn vị": "Công đoàn Trường THPT Ba Bể", "Cấp": "Cơ sở",
              "Mã đơn vị cấp trên": "BABE", "Loại hình": "Đơn vị sự nghiệp", "Số đoàn viên": "48",
              "Ngày thành lập": "01/09/1995", "Trạng thái": "Đang hoạt động", "Ngày giải thể": "",
              "Bảng tính": "", "Email": "cdthptbabe@gmail.com", "Điện thoại": "0209 3876 123"},
    "ChiTieu": {"Năm": "2025", "Mã chỉ tiêu": "T3", "Ngưỡng (%)": "20", "Ghi chú": "Theo Kế hoạch 5/KH-LĐLĐ"},
    "KyBaoCao": {"Năm": "2025", "Kỳ": "6 tháng", "Hạn nộp": "20/06/2025"},
    "NguoiDung": {"Email": "nguyenvana@ldld.backan.vn", "Họ tên": "Nguyễn Văn A", "Vai trò": "Quản trị",
                  "Mã đơn vị": "BK"},
    "MauIn": {"Hình thức": "Giấy khen", "Trường": "Tên", "X (mm)": "60", "Y (mm)": "95", "Cỡ chữ": "22",
              "Hủy": ""},
    "KeHoach": {"Năm": "2025", "Mã đơn vị": "BABE", "Có kế hoạch": "Có", "Số, ký hiệu văn bản": "05/KH-LĐLĐ",
                "Ngày ban hành": "15/01/2025", "Đã phát động": "Có", "Ghi chú": "", "Hủy": ""},
    "PhongTrao": {"Mã phong trào": "PT2025-01", "Tên phong trào": "Lao động giỏi, lao động sáng tạo",
                  "Mã đơn vị": "BABE", "Đối tượng": "CNVCLĐ", "Ngày phát động": "20/02/2025",
                  "Năm kết thúc": "2025", "Hạn sơ kết": "30/06/2025", "Ngày sơ kết": "25/06/2025",
                  "Hạn tổng kết": "15/12/2025", "Ngày tổng kết": "", "Trạng thái": "Đang triển khai",
                  "Hủy": ""},
    "KhenThuong": {"Mã khen thưởng": "KT2025-001", "Năm": "2025", "Số quyết định": "45/QĐ-LĐLĐ",
                   "Ngày quyết định": "10/12/2025", "Cấp khen": "Cấp trên cơ sở", "Hình thức": "Giấy khen",
                   "Loại khen thưởng": "Thường xuyên", "Đối tượng": "Cá nhân",
                   "Tên người hoặc tập thể": "Hoàng Thị Lan", "Mã đơn vị": "BABE-THPT",
                   "Chức vụ": "Giáo viên", "Nhóm đối tượng": "CCVC không giữ chức vụ lãnh đạo, quản lý",
                   "Giới tính": "Nữ", "Mã phong trào": "PT2025-01", "Giá trị làm lợi (đồng)": "",
                   "Thành tích": "Hoàn thành xuất sắc nhiệm vụ năm học 2024-2025", "Mã hồ sơ": "", "Hủy": ""},
    "CanBo": {"Mã cán bộ": "CB-BABE-01", "Họ tên": "Triệu Văn Minh", "Mã đơn vị": "BABE",
              "Chức vụ": "Phó Chủ tịch LĐLĐ huyện", "Chế độ": "Kiêm nhiệm", "Ngày phân công": "01/03/2021",
              "Ngày thôi": "", "Điện thoại": "0912 345 678", "Email": "trieuvanminh@gmail.com", "Hủy": ""},
    "KhoaHoc": {"Mã khóa": "TH2025-01", "Tên khóa": "Tập huấn nghiệp vụ thi đua, khen thưởng năm 2025",
                "Mã đơn vị": "BK", "Ngày bắt đầu": "15/04/2025", "Ngày kết thúc": "16/04/2025",
                "Địa điểm": "Hội trường LĐLĐ tỉnh", "Hình thức": "Trực tiếp", "Hủy": ""},
    "DiemDanh": {"Mã khóa": "TH2025-01", "Mã cán bộ": "CB-BABE-01", "Có mặt": "Có", "Ghi chú": "", "Hủy": ""},
    "DienHinh": {"Mã": "DH2025-01", "Năm": "2025", "Tên": "Hoàng Thị Lan", "Loại": "Cá nhân",
                 "Mã đơn vị": "BABE-THPT", "Nhóm đối tượng": "CCVC không giữ chức vụ lãnh đạo, quản lý",
                 "Mã phong trào": "PT2025-01", "Kênh tuyên truyền": "Website LĐLĐ tỉnh, Zalo",
                 "Ngày tuyên truyền": "20/12/2025", "Đã nhân rộng": "Không", "Hủy": ""},
    "BaoCao": {"Mã đơn vị": "BABE", "Năm": "2025", "Kỳ": "6 tháng", "Ngày gửi": "12/06/2025",
               "Số, ký hiệu văn bản": "30/BC-LĐLĐ", "Hủy": ""},
    "NhacViec": {"Mã nhắc": "NV2025-0001", "Đơn vị nhắc": "BABE", "Mã đơn vị": "BABE-THPT", "Năm": "2025",
                 "Nội dung nhắc": "Kế hoạch", "Kênh": "Email", "Gửi đến": "cdthptbabe@gmail.com",
                 "Ngày nhắc": "10/03/2025", "Nội dung": "Đơn vị chưa gửi kế hoạch thi đua năm 2025.",
                 "Hủy": ""},
    "HoSo": {"Mã hồ sơ": "HS2025-BABE-1", "Mã đơn vị": "BABE", "Năm": "2025",
             "Trích yếu": "Đề nghị tặng Bằng khen của LĐLĐ tỉnh năm 2025", "Loại khen thưởng": "Thường xuyên",
             "Mã phong trào": "", "Trạng thái": "Đã gửi", "Số tờ trình": "12/TTr-LĐLĐ",
             "Ngày gửi": "20/11/2025", "Ngày tiếp nhận": "", "Lý do trả lại": "", "Ngày xét duyệt": "",
             "Số quyết định": "", "Ngày quyết định": "", "Cấp khen": "", "Người ký": "", "Hủy": ""},
    "HoSoDanhSach": {"Mã hồ sơ": "HS2025-BABE-1", "STT": "1", "Đối tượng": "Cá nhân",
                     "Tên người hoặc tập thể": "Hoàng Thị Lan", "Mã đơn vị": "BABE-THPT", "Chức vụ": "Giáo viên",
                     "Nhóm đối tượng": "CCVC không giữ chức vụ lãnh đạo, quản lý", "Giới tính": "Nữ",
                     "Hình thức đề nghị": "Bằng khen của LĐLĐ tỉnh",
                     "Thành tích": "Có sáng kiến được áp dụng toàn huyện", "Giá trị làm lợi (đồng)": "",
                     "Kết quả": "", "Tỉ lệ phiếu (%)": "", "Hủy": ""},
    "DangKy": {"Năm": "2025", "Mã đơn vị": "BABE-THPT", "Ngày đăng ký": "25/01/2025",
               "Danh hiệu đăng ký": "Công đoàn cơ sở vững mạnh, Giấy khen", "Số cá nhân đăng ký": "30",
               "Ghi chú": "", "Hủy": ""},
}

ROLE_DOCS: dict[str, tuple[str, str]] = {  # role -> (who, what they may write)
    S.ROLE_LEADER: ("Lãnh đạo LĐLĐ tỉnh", "Xem mọi thứ, không ghi gì."),
    S.ROLE_OFFICER: ("Cán bộ LĐLĐ huyện, thành phố hoặc công đoàn ngành (Mã đơn vị là đơn vị đó)",
                     "Xem mọi thứ; ghi dữ liệu của đơn vị mình và các đơn vị cấp dưới; đề nghị và xét "
                     "hồ sơ khen thưởng của cấp dưới."),
    S.ROLE_TRAINER: ("Người điều phối đào tạo",
                     "Xem mọi thứ; ghi khóa tập huấn, điểm danh của các khóa do đơn vị mình và cấp dưới "
                     "tổ chức, và nhắc việc về tập huấn."),
    S.ROLE_ADMIN: ("Người quản trị ở LĐLĐ tỉnh (Mã đơn vị là mã của tỉnh)",
                   "Xem và ghi mọi thứ, cả các trang cấu hình DonVi, ChiTieu, KyBaoCao, NguoiDung, MauIn."),
    S.ROLE_DESK: ("Cán bộ phụ trách thi đua, khen thưởng của LĐLĐ tỉnh (Mã đơn vị là mã của tỉnh)",
                  "Xem mọi thứ; ghi dữ liệu của mọi đơn vị và tiếp nhận, xét duyệt, quyết định mọi hồ sơ; "
                  "không sửa các trang cấu hình."),
}
