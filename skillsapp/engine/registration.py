"""Contest registration: what a resident types to enter, cleaned and checked.

Every check returns plain messages for the field they belong to, so a screen can
show each one next to its field. Nothing here is logged: these are personal data
(Law on Personal Data Protection 2025); the ID number and phone checks and their masks
are in :mod:`skillsapp.engine.personal_numbers`.

>>> clean_registration(Registration("  Nguyễn   Văn An ", None, "001 204 012345",
...     "+84 912.345.678", None, None, None, None)).phone
'0912345678'
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from skillsapp import geography
from skillsapp.engine.personal_numbers import (
    MAX_AGE,
    age_on,
    check_id_number,
    normalise_phone,
    phone_problem,
    strip_number,
    years_before,
)
from skillsapp.i18n import _

MAX_NAME_LENGTH = 80
MAX_VILLAGE_LENGTH = 100

# A dash or an apostrophe may join parts of a name: "Lê-Nguyễn", "H'Hen Niê", "Y’Moan".
_NAME_JOINERS = frozenset("-'’")


@dataclass(frozen=True)
class Registration:
    """What a resident gives to enter a contest. Empty fields are ``None``."""

    full_name: str
    date_of_birth: datetime.date | None
    id_number: str | None  # số định danh cá nhân, 12 digits
    phone: str | None
    province_code: str | None  # 2 digits, see skillsapp.geography
    commune_code: str | None  # 5 digits
    village: str | None  # thôn / tổ dân phố, free text
    participant_group: str | None


FIELD_NAMES = tuple(f.name for f in fields(Registration))


@dataclass(frozen=True)
class FieldError:
    field: str  # one of FIELD_NAMES
    message: str  # plain, translated, meant to be shown next to the field


# --- name ------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    """NFC, with runs of spaces collapsed and the ends trimmed. Case is left alone."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _is_name_letter(ch: str) -> bool:
    # Vietnamese, including minority-language names, is written in Latin letters; after
    # NFC every Vietnamese letter is one precomposed LATIN character.
    if unicodedata.category(ch) == "Mn":
        return True
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def check_full_name(name: str) -> str | None:
    """What is wrong with a full name, or ``None``."""
    name = _clean_text(name)
    if not name:
        return _("Please enter your full name, for example Nguyễn Văn An.")
    if any(ch.isdigit() for ch in name):
        return _("A name cannot contain digits.")
    if not all(ch == " " or ch in _NAME_JOINERS or _is_name_letter(ch) for ch in name):
        return _("A name can contain only letters, spaces, hyphens (-) and apostrophes (').")
    if len(name) > MAX_NAME_LENGTH:
        return _("The name is too long (at most 80 letters).")
    words = [word for word in name.split(" ") if any(_is_name_letter(ch) for ch in word)]
    if len(words) < 2:
        return _(
            "Please enter your full name with family name and given name, "
            "for example Nguyễn Văn An."
        )
    return None


# --- whole registration ----------------------------------------------------------------


def _impossible_birth_date(date_of_birth: datetime.date, today: datetime.date) -> str | None:
    if date_of_birth > today:
        return _("The date of birth cannot be in the future.")
    if date_of_birth < years_before(today, MAX_AGE):
        return _("Please check the date of birth: it is more than 120 years ago.")
    return None


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def validate_registration(
    reg: Registration, *, today: datetime.date, min_age: int | None = None
) -> list[FieldError]:
    """Every problem in a registration, at most one per field, in field order.

    Empty optional fields are not errors here (an incomplete registration may still
    play); see :func:`missing_prize_fields`. Works on raw or cleaned input.
    """
    errors: list[FieldError] = []

    def add(field: str, message: str | None) -> None:
        if message is not None:
            errors.append(FieldError(field, message))

    add("full_name", check_full_name(reg.full_name))

    birth = reg.date_of_birth
    if birth is not None:
        impossible = _impossible_birth_date(birth, today)
        if impossible is not None:
            add("date_of_birth", impossible)
            birth = None  # checking the number against it would only mislead
        elif min_age is not None and age_on(birth, today) < min_age:
            add(
                "date_of_birth", _("Entrants must be at least {age} years old.").format(age=min_age)
            )

    if _filled(reg.id_number):
        assert reg.id_number is not None
        add("id_number", check_id_number(reg.id_number, birth, today=today))

    if _filled(reg.phone):
        assert reg.phone is not None
        add("phone", phone_problem(reg.phone))

    province = None
    if _filled(reg.province_code):
        assert reg.province_code is not None
        province = geography.province(reg.province_code.strip())
        if province is None:
            add("province_code", _("This province is not in the list. Please choose it again."))

    if _filled(reg.commune_code):
        assert reg.commune_code is not None
        commune = geography.commune(reg.commune_code.strip())
        if commune is None:
            add("commune_code", _("This commune is not in the list. Please choose it again."))
        elif province is not None and commune.province_code != province.code:
            add(
                "commune_code",
                _(
                    "{commune} is not in {province}. Please choose the province first, "
                    "then the commune."
                ).format(commune=commune.name, province=province.name),
            )

    if reg.village is not None and len(_clean_text(reg.village)) > MAX_VILLAGE_LENGTH:
        add(
            "village",
            _("The village or residential group name is too long (at most 100 letters)."),
        )
    return errors


def missing_prize_fields(reg: Registration, prize_fields: Sequence[str]) -> list[str]:
    """Which of the fields a contest requires for a prize are empty, in the order given.

    An entrant with missing fields may play but cannot win. Only emptiness is checked:
    run :func:`validate_registration` for the values themselves.

    >>> reg = Registration("Nguyễn Văn An", None, " ", None, "01", None, None, None)
    >>> missing_prize_fields(reg, ["full_name", "id_number", "phone"])
    ['id_number', 'phone']
    """
    unknown = [name for name in prize_fields if name not in FIELD_NAMES]
    if unknown:
        raise ValueError(f"not registration fields: {unknown}")
    return [name for name in prize_fields if not _filled(getattr(reg, name))]


def _clean_optional(text: str | None) -> str | None:
    cleaned = _clean_text(text) if text is not None else ""
    return cleaned or None


def clean_registration(reg: Registration) -> Registration:
    """The registration as it should be stored.

    Text is NFC with runs of spaces collapsed (the name keeps the case it was typed
    in), empty text becomes ``None``, the identification number loses its spaces,
    dots and dashes, and a valid phone becomes ``0xxxxxxxxx``. Values that are still
    wrong are kept as typed, so that validation can say what is wrong with them.
    """
    id_number = _clean_optional(reg.id_number)
    if id_number is not None:
        id_number = strip_number(id_number) or None
    phone = _clean_optional(reg.phone)
    if phone is not None:
        phone = normalise_phone(phone) or phone
    return replace(
        reg,
        full_name=_clean_text(reg.full_name),
        id_number=id_number,
        phone=phone,
        province_code=_clean_optional(reg.province_code),
        commune_code=_clean_optional(reg.commune_code),
        village=_clean_optional(reg.village),
        participant_group=_clean_optional(reg.participant_group),
    )
