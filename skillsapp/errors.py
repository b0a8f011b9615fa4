"""Errors a user may see. Each one says what went wrong and where, in plain words.

``str(error)`` is the message in the active language; ``error.where`` names the
file or item involved so logs and reports can point at it.
"""

from __future__ import annotations

from pathlib import Path

from skillsapp.i18n import _


class AppError(Exception):
    """Base of every error that is shown to a user instead of a traceback."""

    def __init__(self, where: str | Path | None = None, detail: str = "") -> None:
        self.where = str(where) if where is not None else ""
        self.detail = detail
        super().__init__(self.user_message())

    def user_message(self) -> str:  # pragma: no cover - overridden
        return _("Something went wrong.")

    def __str__(self) -> str:
        # Re-translated on every use, so a language switch applies to stored errors too.
        return self.user_message()


class DataDirError(AppError):
    def __init__(self, folder: Path, cause: OSError) -> None:
        super().__init__(folder, cause.strerror or str(cause))

    def user_message(self) -> str:
        return _(
            "Cannot save data in the folder {folder}. Choose a folder you can write to "
            "(for example with --data-dir) or ask the person who manages this computer."
        ).format(folder=self.where)


class DatabaseTooNewError(AppError):
    def user_message(self) -> str:
        return _(
            "The data file {path} was made by a newer version of Kỹ Năng Số. "
            "Install the newer version to open it; the file has not been changed."
        ).format(path=self.where)


class DatabaseUnrecoverableError(AppError):
    def user_message(self) -> str:
        return _(
            "The data file {path} is damaged and there is no backup to restore. "
            "The damaged file was kept in the 'damaged' folder; a new empty data file was started."
        ).format(path=self.where)


class ContentError(AppError):
    """A content pack or import file that cannot be used; ``detail`` says why."""

    def user_message(self) -> str:
        return _("Problem in {file}: {problem}").format(file=self.where, problem=self.detail)


class ValidationError(AppError):
    """A value a person typed that is not acceptable; ``detail`` is the plain message."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(field, message)

    def user_message(self) -> str:
        return self.detail
