import logging

from skillsapp.logs import redact, setup_logging


def test_log_file_never_holds_id_numbers_or_phones(tmp_path):
    path = setup_logging(tmp_path)
    logging.getLogger("test").warning("registration 001204012345 phone +84912345678 0912345678")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "001204012345" not in text and "912345678" not in text
    assert "[số đã ẩn]" in text


def test_redact_leaves_short_numbers():
    assert redact("round 3 of 2026, 20 questions") == "round 3 of 2026, 20 questions"
