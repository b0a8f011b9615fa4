"""Reading text aloud in Vietnamese with espeak-ng, where it is installed.

The button that uses this is hidden when no speech engine exists. Speaking runs
in a separate process, so the window never waits for it.
"""

from __future__ import annotations

import shutil

from PySide6.QtCore import QProcess

_process: QProcess | None = None


def speech_engine() -> str | None:
    return shutil.which("espeak-ng")


def speech_available() -> bool:
    return speech_engine() is not None


def speak(text: str, language: str = "vi") -> bool:
    """Start reading ``text``; stops whatever was being read. False when no engine exists."""
    global _process
    engine = speech_engine()
    if engine is None:
        return False
    stop()
    _process = QProcess()
    # The text goes on standard input, so text starting with "-" is never read as an option.
    _process.start(engine, ["-v", language, "-s", "140", "--stdin"])
    _process.write(text.encode("utf-8"))
    _process.closeWriteChannel()
    return True


def stop() -> None:
    if _process is not None and _process.state() != QProcess.ProcessState.NotRunning:
        _process.kill()
        _process.waitForFinished(1000)
