"""A small clean pack, written by the test, that trips none of the item-quality rules;
tests change one thing in it and expect one rule to fire."""

from __future__ import annotations

from pathlib import Path

PACK = """\
id: goi-thu
title: "Gói thử"
version: "1.0.0"
language: vi
licence: "CC BY 4.0"
sources:
  - title: "Cổng Dịch vụ công quốc gia"
    url: "https://dichvucong.gov.vn"
    date: "2025"
topics:
  - {id: an-toan, title: "An toàn"}
  - {id: thanh-toan, title: "Thanh toán"}
"""

QUESTIONS = """\
topic: an-toan
questions:
  - id: an-toan-001
    text: "Có người gọi điện xưng là nhân viên ngân hàng và xin mã OTP. Bạn nên làm gì?"
    options:
      - "Đọc mã cho họ, vì họ đã nói đúng họ tên và số tài khoản của bạn"
      - "Không đưa mã, tự gọi số tổng đài in trên thẻ"
      - "Gửi mã qua tin nhắn cho họ"
      - "Chụp ảnh mã gửi cho họ"
    answer: B
    explanation: "Ngân hàng không bao giờ hỏi mã OTP."
  - id: an-toan-002
    text: "Mật khẩu nào khó đoán nhất?"
    options:
      - "Ngày sinh của bạn viết liền, ví dụ 15081960"
      - "123456"
      - "Tôi thích hát Quê hương 2024!"
      - "matkhau"
    answer: C
    explanation: "Mật khẩu dài, có chữ, số và ký tự đặc biệt thì khó đoán."
  - id: an-toan-003
    text: "Ứng dụng đèn pin xin quyền đọc danh bạ. Bạn nên làm gì?"
    options:
      - "Từ chối quyền đó"
      - "Cho phép, vì ứng dụng nào cũng cần đọc danh bạ để chạy được"
      - "Cho phép rồi xóa danh bạ"
    answer: A
    explanation: "Đèn pin không cần danh bạ; hãy từ chối quyền không cần thiết."
  - id: an-toan-004
    text: "Những việc nào giúp tài khoản an toàn hơn? (Chọn tất cả các đáp án đúng)"
    options:
      - "Bật xác thực hai bước"
      - "Dùng chung một mật khẩu cho mọi nơi"
      - "Mỗi tài khoản một mật khẩu riêng"
    answer: [A, C]
    explanation: "Xác thực hai bước và mật khẩu riêng làm kẻ gian khó vào tài khoản."
"""

PAYMENTS = """\
topic: thanh-toan
questions:
  - id: thanh-toan-001
    text: "Trước khi bấm xác nhận chuyển tiền, bạn cần xem kỹ điều gì trên màn hình?"
    image: ../images/man-hinh.svg
    options:
      - "Số dư còn lại trong tài khoản của chính bạn sau khi chuyển"
      - "Tên người nhận"
      - "Giờ trên điện thoại"
    answer: B
    explanation: "Tên người nhận cho biết tiền đi đúng người hay không."
  - id: thanh-toan-002
    text: "Ví điện tử khác tài khoản ngân hàng ở điểm nào?"
    options:
      - "Ví điện tử là tài khoản ngân hàng mở ở quầy giao dịch của ngân hàng"
      - "Ví điện tử do công ty trung gian thanh toán cung cấp"
      - "Ví điện tử không cần mật khẩu"
    answer: B
    explanation: "Ví điện tử do tổ chức được Ngân hàng Nhà nước cấp phép cung cấp."
"""

SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 640">
  <rect x="10" y="10" width="340" height="620" fill="none" stroke="#333"/>
  <text x="30" y="60" font-family="Be Vietnam Pro, sans-serif">Xác nhận chuyển tiền</text>
  <text x="30" y="120" font-family="Be Vietnam Pro, sans-serif">Nguyen Thi Hoa</text>
  <text x="30" y="180" font-family="Be Vietnam Pro, sans-serif">50.000 đ</text>
</svg>
"""

LESSON = """\
---
id: an-toan
title: "An toàn trên điện thoại"
summary: "Bạn biết giữ mã OTP và mật khẩu của bạn."
topic: an-toan
order: 1
practice: [an-toan-001, an-toan-002]
sources:
  - title: "Cổng Thông tin điện tử Bộ Công an"
    url: "https://bocongan.gov.vn"
    date: "2025-04-29"
---
# An toàn trên điện thoại

Mã OTP là mã xác thực dùng một lần. Bạn không đọc mã cho ai, kể cả người xưng là “công an”.

![Màn hình xác nhận](../images/man-hinh.svg "Màn hình")
"""

CONTEST = """\
id: thi-thu
title: "Thi thử"
rules:
  questions_per_attempt: 2
  time_limit_minutes: 5
  quotas:
    - {topic: an-toan, count: 1}
    - {topic: thanh-toan, count: 1}
rounds:
  - {id: v1, title: "Vòng 1", opens: "2026-12-01T00:00:00+07:00", closes: "2026-12-31T00:00:00+07:00"}
"""

FILES = {
    "pack.yaml": PACK,
    "questions/an-toan.yaml": QUESTIONS,
    "questions/thanh-toan.yaml": PAYMENTS,
    "images/man-hinh.svg": SVG,
    "lessons/01-an-toan.md": LESSON,
    "contests/thi-thu.yaml": CONTEST,
}


def write_pack(tmp_path: Path, **changes: str) -> Path:
    """The clean pack in ``tmp_path/goi-thu``; ``changes`` replace whole files, keyed by
    path with "/" written "__", "-" written "_" and the last "_" the suffix's dot
    (``questions__an_toan_yaml`` is questions/an-toan.yaml)."""
    root = tmp_path / "goi-thu"
    files = dict(FILES)
    for key, text in changes.items():
        stem, suffix = key.replace("__", "/").rsplit("_", 1)
        files[f"{stem.replace('_', '-')}.{suffix}"] = text
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
