"""The rotating log file. Code never logs personal data; as a second guard the
handler masks anything shaped like a citizen ID or a phone number.

>>> redact("id 001204012345, phone 0912345678")
'id [số đã ẩn], phone [số đã ẩn]'
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

_DIGIT_RUNS = re.compile(r"(?<!\d)(?:\+?84|0)?\d{9,12}(?!\d)")
_MASK = "[số đã ẩn]"


def redact(text: str) -> str:
    return _DIGIT_RUNS.sub(_MASK, text)


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(folder: Path, level: int = logging.INFO) -> Path:
    """Log to ``folder/skillsapp.log``, 1 MB per file, 5 files kept."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "skillsapp.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_skillsapp", False)]:
        root.removeHandler(old)
        old.close()
    handler._skillsapp = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path
