"""Where skillsapp keeps user data and finds its bundled resources.

Data lives in the per-user data directory of the OS unless told otherwise:

>>> DataPaths(Path("/tmp/kns")).database
PosixPath('/tmp/kns/skillsapp.db')

Resources (content packs, catalogs, fonts) are found in a PyInstaller bundle
(``sys._MEIPASS``), next to the package in a source checkout, or under
``<prefix>/share/skillsapp`` for a wheel install.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from skillsapp import APP_NAME

DATA_DIR_ENV = "SKILLSAPP_DATA_DIR"
# A file of this name next to the program keeps all data beside it (USB stick mode).
PORTABLE_MARKER = "portable.txt"


def program_dir() -> Path:
    """The folder of the running program (the bundle, or the source checkout)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def resource_root() -> Path:
    """The folder that holds ``content/`` and ``locales/``."""
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        return Path(bundled)
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "locales").is_dir():
        return checkout
    return Path(sys.prefix) / "share" / APP_NAME


def locales_dir() -> Path:
    return resource_root() / "locales"


def bundled_content_dir() -> Path:
    return resource_root() / "content" / "packs"


def font_dir() -> Path:
    """The Be Vietnam Pro TTF files: bundled beside the app, else from the font package."""
    bundled = resource_root() / "fonts"
    if bundled.is_dir():
        return bundled
    try:
        import fontpkg_be_vietnam_pro

        return Path(fontpkg_be_vietnam_pro.ROOT) / "files"
    except ImportError:
        return bundled


def default_data_dir() -> Path:
    """The per-user data directory: %APPDATA% on Windows, XDG on Linux."""
    portable = program_dir() / PORTABLE_MARKER
    if portable.exists():
        return program_dir() / "data"
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "KyNangSo"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "KyNangSo"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """``--data-dir`` wins, then ``$SKILLSAPP_DATA_DIR``, then the OS default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return default_data_dir()


@dataclass(frozen=True)
class DataPaths:
    """Every file and folder skillsapp writes, under one root."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "skillsapp.db"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def damaged(self) -> Path:
        """Damaged files are moved here, never deleted."""
        return self.root / "damaged"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def packs(self) -> Path:
        """Installed content packs (copied here from a folder or a zip)."""
        return self.root / "packs"

    @property
    def read_packs(self) -> Path:
        """What checking a pack read, kept by fingerprint (safe to delete)."""
        return self.root / "cache" / "packs-read"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    def ensure(self) -> None:
        """Create the folders; raises :class:`DataDirError` when that is impossible."""
        from skillsapp.errors import DataDirError

        try:
            for folder in (self.root, self.backups, self.logs, self.packs):
                folder.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".write-test"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise DataDirError(self.root, exc) from exc
