"""Typed settings, stored as JSON and written atomically.

>>> s = Settings(language="en")
>>> s.text_scale
1.0

A settings file that cannot be read is moved aside (never deleted), defaults
are used, and :attr:`LoadResult.problem` tells the UI what happened.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from skillsapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, _

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1

TEXT_SIZES = ("normal", "large", "larger", "largest")
TEXT_SIZE_LABELS = {
    "normal": N_("Normal"),
    "large": N_("Large"),
    "larger": N_("Larger"),
    "largest": N_("Largest"),
}
_TEXT_SCALES = {"normal": 1.0, "large": 1.25, "larger": 1.5, "largest": 1.8}


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    language: str = DEFAULT_LANGUAGE
    text_size: str = "large"
    high_contrast: bool = False
    server_url: str = ""
    ca_bundle: str = ""
    read_aloud: bool = True
    # Quản lý and Đồng bộ in the navigation: off until an organiser turns them on.
    show_staff_areas: bool = False
    # The main window's last geometry (QWidget.saveGeometry, base64); empty on first run,
    # when the window opens maximised.
    window_geometry: str = ""
    # The phone game's last port and the hall's Wi-Fi name, offered again next time (the
    # Wi-Fi password is not kept: it is typed each time, never written to this file).
    phone_game_port: int = 8080
    phone_game_wifi: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def text_scale(self) -> float:
        return _TEXT_SCALES.get(self.text_size, 1.0)

    def normalised(self) -> Settings:
        """Replace out-of-range values by defaults rather than failing."""
        if self.language not in LANGUAGES:
            self.language = DEFAULT_LANGUAGE
        if self.text_size not in TEXT_SIZES:
            self.text_size = "large"
        self.high_contrast = bool(self.high_contrast)
        self.read_aloud = bool(self.read_aloud)
        self.show_staff_areas = bool(self.show_staff_areas)
        if not isinstance(self.window_geometry, str):
            self.window_geometry = ""
        port = self.phone_game_port
        if isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535:
            self.phone_game_port = 8080
        if not isinstance(self.phone_game_wifi, str) or len(self.phone_game_wifi) > 32:
            self.phone_game_wifi = ""
        return self


@dataclass
class LoadResult:
    settings: Settings
    problem: str | None = None


def load_settings(path: Path) -> LoadResult:
    if not path.exists():
        return LoadResult(Settings())
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("settings file does not hold an object")
        known = {f.name for f in fields(Settings)}
        values = {k: v for k, v in raw.items() if k in known}
        settings = Settings(**values).normalised()
        settings.version = SETTINGS_VERSION
        return LoadResult(settings)
    except (OSError, ValueError, TypeError) as exc:
        kept = _keep_aside(path)
        log.warning("settings file unreadable (%s); kept as %s", type(exc).__name__, kept)
        message = _(
            "The settings file could not be read, so default settings are used. "
            "The old file was kept as {path}."
        ).format(path=kept)
        return LoadResult(Settings(), problem=message)


def save_settings(path: Path, settings: Settings) -> None:
    """Write to a temporary file in the same folder, then replace: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(asdict(settings), ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _keep_aside(path: Path) -> Path:
    target = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, target)
    except OSError:
        return path
    return target
