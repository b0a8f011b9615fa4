"""Contest registration: what a resident types to enter, cleaned and checked.

Every check returns plain messages for the field they belong to, so a screen can
show each one next to its field. Nothing here is logged: these are personal data
(Law on Personal Data Protection 2025), and masks exist for lists and reports.

>>> clean_registration(Registration("  Nguyễn   Văn An ", None, "001 204 012345",
...     "+84 912.345.678", None, None, None, None)).phone
'0912345678'
>>> mask_id_number("001204012345")
'001******345'
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from skillsapp import geography
from skillsapp.i18n import _

MAX_NAME_LENGTH = 80
MAX_VILLAGE_LENGTH = 100
MAX_AGE = 120
ID_NUMBER_LENGTH = 12

# Province-of-birth-registration codes, the first 3 digits of a personal identification
# number, with the province each meant when it was set: the 63 pre-2025 provinces as listed
# in Appendix I of Circular 07/2016/TT-BCA of the Ministry of Public Security (the old GSO
# province codes, zero-padded to 3 digits). Numbers already issued keep their code after the
# 2025 merger, and the 34 new provinces reuse codes from this list, so it covers every number
# in use. vietnam-provinces ships only the post-2025 divisions, hence the table here.
ID_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# The 4th digit gives the century of birth (and sex: even male, odd female).
_CENTURY_BY_DIGIT = {8: 1800, 9: 1800, 0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100}
_CENTURY_BY_DIGIT |= {6: 2200, 7: 2200}
_MALE_DIGIT_BY_CENTURY = {1800: 8, 1900: 0, 2000: 2, 2100: 4, 2200: 6}

MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
# Separators people type inside numbers: "0912.345.678", "0912-345-678", "(+84) 912 345 678".
_NUMBER_SEPARATORS = re.compile(r"[\s.\-()]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")

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


# --- phone ---------------------------------------------------------------------------


def _phone_digits(raw: str) -> tuple[str | None, str | None]:
    """(national number with leading 0, None) or (None, what is wrong with it)."""
    text = _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFC", raw))
    international = text.startswith("+")
    if international:
        text = text[1:]
    if not _ASCII_DIGITS.fullmatch(text):
        return None, _("A phone number can contain only digits.")
    if international or text.startswith("00"):
        text = text.removeprefix("00")
        if not text.startswith("84"):
            return None, _("Please enter a Vietnamese mobile number (starting with 0 or +84).")
        text = text[2:]
        if not text.startswith("0"):
            text = "0" + text  # +84 912 345 678; "+84 0912..." keeps its 0
    elif text.startswith("84") and (len(text) == 11 or (len(text) == 12 and text[2] == "0")):
        text = text[2:]  # 84912345678: the country code without the "+"
        if not text.startswith("0"):
            text = "0" + text
    elif len(text) == 9 and not text.startswith("0"):
        text = "0" + text  # the leading 0 left out: 912 345 678
    if text.startswith("02"):
        return None, _(
            "This looks like a landline number. Please enter a mobile number: "
            "10 digits starting with 03, 05, 07, 08 or 09."
        )
    if len(text) != 10:
        return None, _("A mobile number has 10 digits; you entered {count}.").format(
            count=len(text)
        )
    if not text.startswith(MOBILE_PREFIXES):
        return None, _("A mobile number starts with 03, 05, 07, 08 or 09.")
    return text, None


def normalise_phone(raw: str) -> str | None:
    """A Vietnamese mobile number as 10 digits starting with 0, or ``None``.

    >>> normalise_phone("+84 912 345 678"), normalise_phone("84912345678")
    ('0912345678', '0912345678')
    >>> normalise_phone("024 3825 1234") is None  # a landline
    True
    """
    return _phone_digits(raw)[0]


def phone_problem(raw: str) -> str | None:
    """Why ``raw`` is not a Vietnamese mobile number, or ``None`` if it is one."""
    return _phone_digits(raw)[1]


# --- identification number ------------------------------------------------------------


def _strip_number(text: str) -> str:
    return _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFC", text))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Completed years of age on ``day``."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def check_id_number(
    number: str,
    date_of_birth: datetime.date | None,
    *,
    today: datetime.date | None = None,
) -> str | None:
    """What is wrong with a personal identification number, or ``None``.

    Spaces, dots and dashes are ignored. The last 6 digits are random, so a number
    that passes may still belong to somebody else: this catches typing mistakes.
    With ``date_of_birth`` the 4th digit (century) and the 5th-6th (year) must match
    it; without it but with ``today``, the year they give must be a possible one.

    >>> check_id_number("001 204 012345", datetime.date(2004, 5, 1)) is None
    True
    """
    digits = _strip_number(number)
    if not digits:
        return _("Please enter the 12-digit personal identification number from your ID card.")
    if not _ASCII_DIGITS.fullmatch(digits):
        return _("The identification number can contain only digits.")
    if len(digits) != ID_NUMBER_LENGTH:
        return _("The identification number has 12 digits; you entered {count}.").format(
            count=len(digits)
        )
    province_code = digits[:3]
    if province_code not in ID_PROVINCE_CODES:
        return _(
            "The first 3 digits ({code}) are not a province code. "
            "Please copy the number from your ID card again."
        ).format(code=province_code)
    century_digit = int(digits[3])
    year_digits = digits[4:6]
    if date_of_birth is not None:
        year = date_of_birth.year
        century = year // 100 * 100
        male = _MALE_DIGIT_BY_CENTURY.get(century)
        if male is not None and _CENTURY_BY_DIGIT[century_digit] != century:
            return _(
                "The 4th digit of the number is {digit}, but for someone born in {year} "
                "it should be {male} (male) or {female} (female)."
            ).format(digit=century_digit, year=year, male=male, female=male + 1)
        if year_digits != f"{year % 100:02d}":
            return _(
                "Digits 5 and 6 of the number are {digits}, but for someone born in {year} "
                "they should be {expected}."
            ).format(digits=year_digits, year=year, expected=f"{year % 100:02d}")
    elif today is not None:
        year = _CENTURY_BY_DIGIT[century_digit] + int(year_digits)
        if not today.year - MAX_AGE <= year <= today.year:
            return _(
                "The number gives {year} as the year of birth, which is not possible. "
                "Please check digits 4 to 6."
            ).format(year=year)
    return None


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
    if date_of_birth < _years_before(today, MAX_AGE):
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
        id_number = _strip_number(id_number) or None
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


# --- masks -----------------------------------------------------------------------------


def _mask(text: str, keep: int = 3) -> str:
    if len(text) <= 2 * keep:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def mask_id_number(number: str) -> str:
    """The number with all but its first and last 3 digits hidden, for lists and reports.

    >>> mask_id_number("001 204 012345")
    '001******345'
    """
    return _mask(_strip_number(number))


def mask_phone(phone: str) -> str:
    """The phone with all but its first and last 3 digits hidden.

    >>> mask_phone("+84 912 345 678")
    '091****678'
    """
    return _mask(normalise_phone(phone) or _strip_number(phone))
