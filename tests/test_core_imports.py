"""The core never imports Qt: it must run on a server and in tests with no screen."""

import pkgutil
import subprocess
import sys

import skillsapp


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(skillsapp.__path__, "skillsapp."):
        if info.name.startswith("skillsapp.ui") or info.name == "skillsapp.__main__":
            continue
        if info.name.startswith("skillsapp.server"):
            continue  # optional extra; checked in its own tests
        names.append(info.name)
    return names


def test_core_modules_do_not_import_pyside6():
    modules = core_modules()
    assert "skillsapp.storage.store" in modules and "skillsapp.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(leaked)\n"
        "sys.exit(1 if leaked else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
