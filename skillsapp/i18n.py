"""Translations (gettext) and locale-aware formatting (Babel).

Message ids are English; Vietnamese is the default language.

>>> set_language("vi")
>>> format_number(1234.5)
'1.234,5'
>>> format_date(datetime.date(2026, 11, 22))
'22/11/2026'

Mark strings that are built at import time with :func:`N_` and translate them
where they are shown with :func:`_`.
"""

from __future__ import annotations

import datetime
import gettext
import logging
from pathlib import Path

from skillsapp.paths import locales_dir

DOMAIN = "skillsapp"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

log = logging.getLogger(__name__)

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE
_missing_catalog: str | None = None

# Short dates everywhere users see them: Vietnamese 22/11/2026, English 11/22/2026.
_DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "MM/dd/yyyy"}
_TIME_PATTERN = "HH:mm"


def set_language(language: str, directory: Path | None = None) -> None:
    """Switch the active language. A missing catalog falls back to English text.

    The fallback is remembered in :func:`missing_catalog` so the UI can say so.
    """
    global _translations, _language, _missing_catalog
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _language = language
    _missing_catalog = None
    folder = directory or locales_dir()
    try:
        _translations = gettext.translation(DOMAIN, localedir=str(folder), languages=[language])
    except OSError:
        _translations = gettext.NullTranslations()
        if language != "en":  # English needs no catalog: message ids are English.
            _missing_catalog = str(folder / language / "LC_MESSAGES" / f"{DOMAIN}.mo")
            log.warning("translation catalog missing: %s", _missing_catalog)


def language() -> str:
    return _language


def missing_catalog() -> str | None:
    """The path of a catalog that could not be loaded, if any."""
    return _missing_catalog


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


# Babel loads its locale data on first use; importing it here would delay the first
# window by ~20 ms, so each formatter imports what it needs.


def format_number(value: float | int, digits: int | None = None) -> str:
    from babel.numbers import format_decimal as _babel_decimal

    if digits is not None:
        return _babel_decimal(value, format="#,##0." + "0" * digits, locale=_language)
    return _babel_decimal(value, locale=_language)


def format_percent(fraction: float) -> str:
    from babel.numbers import format_percent as _babel_percent

    return _babel_percent(fraction, locale=_language)


def format_date(value: datetime.date) -> str:
    from babel.dates import format_date as _babel_date

    return _babel_date(value, _DATE_PATTERNS[_language], locale=_language)


def date_pattern() -> str:
    """The short date pattern, e.g. ``dd/MM/yyyy``; Qt's date widgets read the same letters."""
    return _DATE_PATTERNS[_language]


def format_time(value: datetime.datetime | datetime.time) -> str:
    from babel.dates import format_time as _babel_time

    return _babel_time(value, _TIME_PATTERN, locale=_language)


def format_datetime(value: datetime.datetime) -> str:
    from babel.dates import format_datetime as _babel_datetime

    if value.tzinfo is not None:
        value = value.astimezone()
    pattern = f"{_TIME_PATTERN} {_DATE_PATTERNS[_language]}"
    return _babel_datetime(value, pattern, locale=_language)


def format_duration(seconds: float) -> str:
    """``12:05`` for minutes and seconds, ``1:02:03`` past an hour."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


set_language(DEFAULT_LANGUAGE)
