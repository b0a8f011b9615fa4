"""Developer tool: extract, update and compile the gettext catalogs with Babel.

    python tools/i18n.py update     # extract messages, update vi and en catalogs
    python tools/i18n.py compile    # compile .po to .mo (commit both)
    python tools/i18n.py missing    # list Vietnamese messages with no translation

It runs the same ``pybabel`` commands written in locales/README.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "skillsapp.pot"
LANGUAGES = ("vi", "en")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "N_",
        "--no-location",
        "--sort-output",
        "--project=skillsapp",
        "--copyright-holder=skillsapp developers",
        "-o",
        str(POT),
        ".",
    )
    for lang in LANGUAGES:
        po = LOCALES / lang / "LC_MESSAGES" / "skillsapp.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALES),
                "-D",
                "skillsapp",
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(LOCALES), "-D", "skillsapp", "-l", lang)


def compile_all() -> None:
    pybabel("compile", "-d", str(LOCALES), "-D", "skillsapp", "--statistics")


def missing() -> int:
    with open(LOCALES / "vi" / "LC_MESSAGES" / "skillsapp.po", "rb") as handle:
        catalog = read_po(handle)

    def empty(message) -> bool:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return not all(strings)

    gaps = [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and empty(m)]
    for gap in gaps:
        print(gap)
    return 1 if gaps else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "missing":
        sys.exit(missing())
    else:
        sys.exit(__doc__)
