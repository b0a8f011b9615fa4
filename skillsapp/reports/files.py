"""Writing export files safely: to a hidden temporary file beside the target, then
renamed into place, so a failure never leaves a half-written file that looks complete.

>>> with export_target(Path("ket-qua.xlsx")) as partial:    # doctest: +SKIP
...     workbook.save(partial)
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from skillsapp.i18n import _
from skillsapp.reports.pdf import ExportError


def explain(exc: OSError) -> str:
    """A plain reason for a failed write."""
    if exc.errno == errno.ENOSPC:
        return _("the disk is full. Free some space or choose another drive (a USB stick).")
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _(
            "the file is open in another program (for example Excel), or the folder cannot be written to. "
            "Close the file or choose another folder, then try again."
        )
    if isinstance(exc, NotADirectoryError | FileNotFoundError):
        return _("the folder does not exist.")
    return exc.strerror or str(exc)


@contextlib.contextmanager
def export_target(target: Path) -> Iterator[Path]:
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".partial-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ExportError(target, explain(exc)) from exc
    partial = Path(name)
    try:
        yield partial
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(target, explain(exc)) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
