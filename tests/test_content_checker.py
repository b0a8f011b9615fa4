"""Each validation rule of a content pack, with the file and line it names."""

import pytest
from content_helpers import copy_example, edit

from skillsapp.content.checker import check_pack


def problems_of(root):
    report = check_pack(root)
    return report, [(p.file, p.line, p.message) for p in report.problems if p.severity == "error"]


def test_example_pack_is_valid(tmp_path):
    report, errors = problems_of(copy_example(tmp_path))
    assert errors == [] and report.read.problems.warnings == []
    assert report.ok
    assert report.summary() == "Đã đọc 1 bài học, 4 câu hỏi, 1 cuộc thi: 0 lỗi, 0 cảnh báo"


QUESTIONS = "questions/mat-khau.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "needle"),
    [
        (QUESTIONS, "id: mat-khau-002", "id: mat-khau-001", 13, "được dùng hai lần"),
        (QUESTIONS, "answer: C", "answer: G", 11, "không khớp"),
        (QUESTIONS, "    answer: C\n", "", 3, "không có phương án đúng"),
        (QUESTIONS, '      - "matkhau"', '      - "123456"', 6, "giống nhau"),
        (
            QUESTIONS,
            'explanation: "Mật khẩu dài, có',
            'explanation: ""\n    x_: "',
            12,
            "giải thích",
        ),
        (QUESTIONS, "topic: mat-khau\n", "topic: mat-khauu\n", 3, "chủ đề 'mat-khauu'"),
        (QUESTIONS, "difficulty: easy", "difficulty: de", 4, "easy, medium"),
        (
            QUESTIONS,
            '      - "123456"\n      - "Ngày sinh của bạn, ví dụ 15081960"\n      - "Tôi thích hát Quê hương 2024!"\n      - "matkhau"\n',
            '      - "Tôi thích hát Quê hương 2024!"\n',
            6,
            "1 phương án",
        ),
        (
            "lessons/01-mat-khau.md",
            "practice: [mat-khau-001, mat-khau-002]",
            "practice: [mat-khau-001, mat-khau-404]",
            2,
            "mat-khau-404",
        ),
        (
            "lessons/01-mat-khau.md",
            "](../images/mat-khau.svg)",
            "](../images/khong-co.svg)",
            28,
            "không có tệp hình",
        ),
        (
            "contests/thi-thu.yaml",
            "{topic: ma-otp, count: 1}",
            "{topic: ma-otp, count: 5}",
            11,
            "cộng lại",
        ),
        (
            "contests/thi-thu.yaml",
            'closes: "2026-01-12T08:00:00+07:00"}\n  - {id: vong-2, title: "Vòng 2", opens: "2026-01-12',
            'closes: "2026-01-13T08:00:00+07:00"}\n  - {id: vong-2, title: "Vòng 2", opens: "2026-01-12',
            14,
            "chồng lên",
        ),
    ],
)
def test_each_rule_names_file_line_and_problem(tmp_path, file, old, new, line, needle):
    root = copy_example(tmp_path)
    edit(root / file, old, new)
    report, errors = problems_of(root)
    assert not report.ok
    matching = [e for e in errors if e[0] == file and needle in e[2]]
    assert matching, errors
    assert matching[0][1] == line, matching


def test_every_problem_is_reported_at_once(tmp_path):
    root = copy_example(tmp_path)
    edit(root / QUESTIONS, "answer: C", "answer: G")
    edit(root / "questions/ma-otp.yaml", "difficulty: easy", "difficulty: kho")
    edit(root / "lessons/01-mat-khau.md", "mat-khau-002]", "mat-khau-999]")
    _report, errors = problems_of(root)
    files = {e[0] for e in errors}
    assert files == {QUESTIONS, "questions/ma-otp.yaml", "lessons/01-mat-khau.md"}


def test_text_not_nfc_is_an_error_with_its_line(tmp_path):
    root = copy_example(tmp_path)
    decomposed = "Ma\u0323\u0302t kha\u0302\u0309u"  # "Mật khẩu" in NFD
    edit(root / QUESTIONS, '"Mật khẩu nào sau đây khó đoán nhất?"', f'"{decomposed} nào?"')
    _report, errors = problems_of(root)
    assert (
        QUESTIONS,
        5,
        "văn bản chưa ở dạng Unicode NFC (dùng trình soạn thảo Unicode hoặc UniKey để sửa)",
    ) in errors


def test_yaml_syntax_error_names_the_line(tmp_path):
    root = copy_example(tmp_path)
    edit(root / QUESTIONS, "    difficulty: medium", "    difficulty: [medium")
    _report, errors = problems_of(root)
    assert any(e[0] == QUESTIONS and e[1] >= 14 and "YAML" in e[2] for e in errors), errors


def test_option_that_yaml_reads_as_yes_no_must_be_quoted(tmp_path):
    root = copy_example(tmp_path)
    edit(
        root / "questions/ma-otp.yaml",
        '      - "Mật khẩu cố định để đăng nhập ngân hàng"',
        "      - no",
    )
    _report, errors = problems_of(root)
    assert any("không phải là chữ" in e[2] for e in errors), errors


def test_image_that_is_not_an_image(tmp_path):
    root = copy_example(tmp_path)
    (root / "images" / "mat-khau.svg").write_bytes(b"\x00\x01 definitely not svg")
    _report, errors = problems_of(root)
    assert any("SVG" in e[2] and e[0] == "lessons/01-mat-khau.md" for e in errors), errors
    (root / "images" / "anh.png").write_bytes(b"GIF89a....")
    edit(root / QUESTIONS, "    answer: C\n", "    answer: C\n    image: ../images/anh.png\n")
    _report, errors = problems_of(root)
    assert any("PNG" in e[2] for e in errors), errors


def test_svg_with_script_is_refused(tmp_path):
    root = copy_example(tmp_path)
    edit(root / "images/mat-khau.svg", "</svg>", "<script>alert(1)</script></svg>")
    _report, errors = problems_of(root)
    assert any("script" in e[2] for e in errors), errors


def test_legacy_vietnamese_encoding_is_named(tmp_path):
    root = copy_example(tmp_path)
    # "Mật khẩu an toàn" as typed with the VNI font, saved as Windows-1252.
    (root / "questions" / "vni.yaml").write_bytes(
        "questions:\n  - id: x-1\n    text: Maät khaåu an toaøn ñöôïc ñaët\n".encode("cp1252")
    )
    _report, errors = problems_of(root)
    assert any(e[0] == "questions/vni.yaml" and "TCVN3" in e[2] for e in errors), errors


def test_binary_garbage_is_named(tmp_path):
    root = copy_example(tmp_path)
    (root / "questions" / "rac.yaml").write_bytes(bytes(range(256)) * 4)
    _report, errors = problems_of(root)
    assert any(e[0] == "questions/rac.yaml" and "không phải tệp văn bản" in e[2] for e in errors), (
        errors
    )


def test_folder_without_pack_yaml(tmp_path):
    report, errors = problems_of(tmp_path)
    assert not report.ok
    assert errors[0][0] == "pack.yaml"


def test_unknown_field_is_a_warning(tmp_path):
    root = copy_example(tmp_path)
    edit(root / QUESTIONS, "    answer: C\n", "    answer: C\n    anwser: C\n")
    report = check_pack(root)
    assert report.ok
    assert any("anwser" in p.message for p in report.read.problems.warnings)


def test_windows_line_endings_and_bom_are_accepted(tmp_path):
    root = copy_example(tmp_path)
    path = root / QUESTIONS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    report, errors = problems_of(root)
    assert errors == []
    assert len(report.read.pack.questions) == 4


def test_contest_quota_the_bank_cannot_meet(tmp_path):
    root = copy_example(tmp_path)
    edit(
        root / "contests/thi-thu.yaml",
        "{topic: mat-khau, count: 1}",
        "{topic: mat-khau, count: 1, difficulty: hard}",
    )
    _report, errors = problems_of(root)
    assert any("chỉ có 0" in e[2] for e in errors), errors


def test_svg_tspan_with_its_own_position_is_refused(tmp_path):
    root = copy_example(tmp_path)
    lesson = "lessons/01-mat-khau.md"
    svg = root / "images" / "hai-dong.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450">\n'
        '  <text font-size="24">\n'
        '    <tspan x="40" y="100">Dòng một</tspan>\n'
        '    <tspan x="40" dy="32">Dòng hai</tspan>\n'
        "  </text>\n"
        "</svg>\n",
        encoding="utf-8",
    )
    edit(root / lesson, "](../images/mat-khau.svg)", "](../images/hai-dong.svg)")
    _report, errors = problems_of(root)
    assert any(
        e[0] == lesson and e[1] == 28 and "<tspan>" in e[2] and "hai-dong.svg" in e[2]
        for e in errors
    ), errors
    assert any("vị trí riêng" in e[2] for e in errors), errors

    # A <tspan> without a position (bold word inside one line) is fine.
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450">\n'
        '  <text x="40" y="100" font-size="24">Ghi lại <tspan font-weight="700">mã hồ sơ</tspan></text>\n'
        "</svg>\n",
        encoding="utf-8",
    )
    _report, errors = problems_of(root)
    assert errors == [], errors
