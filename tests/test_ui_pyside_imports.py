"""PySide6's per-module source scan is off once the UI package is imported."""

import linecache
import sys


def test_modules_imported_after_the_ui_are_not_read_for_pyside(tmp_path, monkeypatch):
    import skillsapp.ui  # noqa: F401 - switches the scan off

    feature = sys.modules.get("shibokensupport.feature")
    assert feature is not None, "PySide6 no longer has the hook: remove skip_feature_scan"
    module = tmp_path / "kns_probe_module.py"
    module.write_text("VALUE = 'mentions PySide6 on purpose'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    linecache.clearcache()
    probe = __import__("kns_probe_module")  # the import statement: what the hook sees
    assert probe.VALUE.startswith("mentions")
    # Its source was not read into memory to look for the word, and it is "ignored".
    assert str(module) not in linecache.cache
    assert feature.pyside_feature_dict.get("kns_probe_module") == -1
