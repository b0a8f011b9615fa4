"""Citizen identification numbers and mobile phone numbers: checked, normalised, masked.

These are personal data (Law on Personal Data Protection 2025): nothing here logs them,
and the masks are for lists and reports.

>>> normalise_phone("+84 912.345.678")
'0912345678'
>>> mask_id_number("001204012345")
'001******345'
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from skillsapp.i18n import _

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


def strip_number(text: str) -> str:
    return _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFC", text))


def years_before(day: datetime.date, years: int) -> datetime.date:
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
    digits = strip_number(number)
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
    return _mask(strip_number(number))


def mask_phone(phone: str) -> str:
    """The phone with all but its first and last 3 digits hidden.

    >>> mask_phone("+84 912 345 678")
    '091****678'
    """
    return _mask(normalise_phone(phone) or strip_number(phone))
