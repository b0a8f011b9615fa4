"""Bundle size: the Kỹ Năng Số onedir bundle beside a bare PySide6 window bundled the
same way (PyInstaller onedir, the same Qt modules excluded). Target: <= 1.3x.

    python tests/bench/bundle.py          # builds both (about a minute), prints sizes

Not a test: it prints figures, and the largest parts of each bundle.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel("Hello")
label.show()
sys.exit(0 if "--self-test" in sys.argv else app.exec())
"""

BARE_SPEC = """
from pathlib import Path
a = Analysis([{script!r}], excludes={excludes!r})
a.binaries = [e for e in a.binaries if "libqgtk3" not in e[0] and "libgtk-3" not in e[0] and "libgdk-3" not in e[0]]
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="Bare", console=False)
coll = COLLECT(exe, a.binaries, a.datas, name="Bare")
"""

QT_EXCLUDES = [
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtDBus",
    "tkinter",
]


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def largest(folder: Path, count: int = 8) -> list[tuple[int, str]]:
    parts = {}
    internal = folder / "_internal"
    for child in internal.iterdir():
        parts[child.name] = size_of(child) if child.is_dir() else child.stat().st_size
    return sorted(((size, name) for name, size in parts.items()), reverse=True)[:count]


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="kns-bench-bundle-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "skillsapp.spec"),
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    script = work / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    spec = work / "bare.spec"
    spec.write_text(BARE_SPEC.format(script=str(script), excludes=QT_EXCLUDES), encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(spec),
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build-bare"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    app, bare = size_of(work / "dist" / "KyNangSo"), size_of(work / "dist" / "Bare")
    print(f"bare PySide6 window bundle: {bare / 1e6:.1f} MB")
    print(f"Kỹ Năng Số bundle:          {app / 1e6:.1f} MB")
    print(f"ratio {app / bare:.2f} (target <= 1.3)")
    print(
        "largest parts of the app bundle:",
        ", ".join(f"{n} {s / 1e6:.1f} MB" for s, n in largest(work / "dist" / "KyNangSo")),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
