"""One PySide6 start-up cost this app does not need, switched off.

After PySide6 is imported, its ``__feature__`` support reads the source of every module
imported later (``inspect.getsource``, kept in ``linecache``) to find the word
"PySide6", so that ``from __feature__ import snake_case`` could apply per module. This
app never uses ``__feature__``, so that scan only costs start-up time and several MiB
of source text held in memory (measured with tests/bench/startup.py --verbose: about
8 MiB of ``linecache`` 5 s after start). Every module is marked as not using it, which
is PySide6's own "ignore this module" answer. If a PySide6 version drops the hook,
nothing happens.
"""

from __future__ import annotations

import sys

import PySide6.QtCore  # noqa: F401 - loads shiboken's support modules, hook included


def _never(_module) -> bool:
    return False


def skip_feature_scan() -> bool:
    """Returns True when the scan was found and switched off."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _never
    return True
