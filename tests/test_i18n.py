"""Every user-visible string has a Vietnamese translation; formats follow the locale."""

import datetime
import gettext

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from skillsapp import i18n
from skillsapp.paths import locales_dir, resource_root


def extracted_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        resource_root() / "skillsapp",
        method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None, "ngettext": (1, 2)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def read_catalog(lang: str):
    with open(locales_dir() / lang / "LC_MESSAGES" / "skillsapp.po", "rb") as handle:
        return read_po(handle)


def test_every_message_in_the_code_has_a_vietnamese_translation():
    catalog = read_catalog("vi")
    translated = set()
    for m in catalog:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.id and all(strings):
            translated.add(m.id if isinstance(m.id, str) else m.id[0])
    missing = sorted(extracted_messages() - translated)
    assert len(extracted_messages()) > 40
    assert missing == [], f"untranslated (run tools/i18n.py update, then translate): {missing}"


def test_vietnamese_catalog_header():
    catalog = read_catalog("vi")
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_compiled_catalog_matches_the_po_file():
    def key(message):
        as_tuple = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, str) else tuple(message.string)
        return as_tuple, strings

    po = dict(key(m) for m in read_catalog("vi") if m.id)
    with open(locales_dir() / "vi" / "LC_MESSAGES" / "skillsapp.mo", "rb") as handle:
        mo = dict(key(m) for m in read_mo(handle) if m.id)
    assert mo == {k: v for k, v in po.items() if v}, "run: python tools/i18n.py compile"


def test_switching_language_translates():
    i18n.set_language("vi")
    assert i18n._("Settings") == "Cài đặt"
    i18n.set_language("en")
    assert i18n._("Settings") == "Settings"


def test_vietnamese_and_english_formats():
    day = datetime.date(2026, 11, 22)
    i18n.set_language("vi")
    assert i18n.format_date(day) == "22/11/2026"
    assert i18n.format_number(1234.5) == "1.234,5"
    assert i18n.format_number(3, digits=1) == "3,0"
    i18n.set_language("en")
    assert i18n.format_date(day) == "11/22/2026"
    assert i18n.format_number(1234.5) == "1,234.5"


def test_durations():
    assert i18n.format_duration(65) == "01:05"
    assert i18n.format_duration(3723) == "1:02:03"
    assert i18n.format_duration(-4) == "00:00"


def test_missing_catalog_falls_back_to_english_and_is_reported(tmp_path):
    i18n.set_language("vi", directory=tmp_path)
    assert i18n._("Settings") == "Settings"
    assert i18n.missing_catalog() and "skillsapp.mo" in i18n.missing_catalog()
    i18n.set_language("vi")
    assert i18n.missing_catalog() is None


def test_catalog_loads_with_plain_gettext():
    translation = gettext.translation("skillsapp", str(locales_dir()), languages=["vi"])
    assert translation.gettext("Lessons") == "Học bài"
