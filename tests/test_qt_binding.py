"""Guards against a Qt binding that would crash the app after a while.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every call of a
method that returns nothing; after some thousands of calls Python aborts with
"deallocating None". Python 3.12 and later make ``None`` immortal, so only 3.11
can fail this test — and 3.11 is where commune PCs run the app.
"""

import sys

import pytest
from PySide6.QtWidgets import QApplication, QLabel

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal on Python 3.12+"
)


def test_void_calls_keep_the_reference_count_of_none(qtbot):
    label = QLabel("Kỹ Năng Số")
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("Học bài")
        label.update()
        QApplication.processEvents()
    assert sys.getrefcount(None) - before > -100
