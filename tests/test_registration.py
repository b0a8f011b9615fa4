import datetime
import logging

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from skillsapp import geography
from skillsapp.engine import personal_numbers, registration
from skillsapp.engine.personal_numbers import (
    ID_PROVINCE_CODES,
    check_id_number,
    mask_id_number,
    mask_phone,
    normalise_phone,
)
from skillsapp.engine.registration import (
    FIELD_NAMES,
    FieldError,
    Registration,
    clean_registration,
    missing_prize_fields,
    validate_registration,
)

TODAY = datetime.date(2026, 3, 15)


def make(**changes) -> Registration:
    values = {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": datetime.date(2004, 5, 1),
        "id_number": "001204012345",
        "phone": "0912345678",
        "province_code": "01",
        "commune_code": "00070",
        "village": "Tổ dân phố số 5",
        "participant_group": "residents",
    }
    values.update(changes)
    return Registration(**values)


def errors_by_field(reg: Registration, **kwargs) -> dict[str, str]:
    found = validate_registration(reg, today=TODAY, **kwargs)
    assert len({e.field for e in found}) == len(found), "at most one error per field"
    return {e.field: e.message for e in found}


def test_a_complete_correct_registration_has_no_errors():
    assert validate_registration(make(), today=TODAY) == []


def test_only_the_name_is_required_to_play():
    reg = Registration("Nguyễn Văn An", None, None, None, None, None, None, None)
    assert validate_registration(reg, today=TODAY, min_age=12) == []


# --- full name ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Văn An",
        "nguyễn văn an",
        "H'Hen Niê",
        "Y’Moan Êban",
        "Lê-Nguyễn Minh Thư",
        "Nguye\u0302\u0303n  Va\u0306n An ",  # decomposed, as some keyboards type it
        "Đặng Thị Ơn",
    ],
)
def test_real_names_are_accepted(name):
    assert "full_name" not in errors_by_field(make(full_name=name))


@pytest.mark.parametrize(
    "names",
    [
        ("", "   "),  # nothing typed
        ("An", "Nguyễn"),  # one word
        ("Nguyễn Văn 2", "Nguyen Van An 1990"),  # digits
        ("Nguyễn Văn An!", "Nguyễn <Văn> An", "Nguyễn 文 An"),  # not letters
        ("Nguyễn " + "a" * 80,),  # too long
    ],
)
def test_each_problem_with_a_name_has_its_own_message(names):
    messages = {errors_by_field(make(full_name=name))["full_name"] for name in names}
    assert len(messages) == 1


def test_name_messages_differ_by_problem():
    samples = ["", "An", "Nguyễn Văn 2", "Nguyễn Văn An!", "Nguyễn " + "a" * 80]
    messages = [errors_by_field(make(full_name=name))["full_name"] for name in samples]
    assert len(set(messages)) == len(samples)
    assert "Nguyễn Văn An" in messages[0]


def test_a_name_of_exactly_80_characters_is_accepted():
    name = "Nguyễn " + "a" * 73
    assert len(name) == 80
    assert "full_name" not in errors_by_field(make(full_name=name))


# --- date of birth ---------------------------------------------------------------------------


def test_date_of_birth_cannot_be_in_the_future():
    assert "date_of_birth" in errors_by_field(
        make(date_of_birth=TODAY + datetime.timedelta(days=1), id_number=None)
    )
    assert "date_of_birth" not in errors_by_field(make(date_of_birth=TODAY, id_number=None))


def test_date_of_birth_more_than_120_years_ago_is_refused():
    exactly_120 = TODAY.replace(year=TODAY.year - 120)
    assert "date_of_birth" not in errors_by_field(make(date_of_birth=exactly_120, id_number=None))
    too_old = errors_by_field(
        make(date_of_birth=exactly_120 - datetime.timedelta(days=1), id_number=None)
    )
    future = errors_by_field(make(date_of_birth=TODAY.replace(year=2030), id_number=None))
    assert too_old["date_of_birth"] != future["date_of_birth"]


def test_minimum_age_counts_the_birthday_itself():
    turns_12_today = TODAY.replace(year=TODAY.year - 12)
    reg = make(date_of_birth=turns_12_today, id_number=None)
    assert errors_by_field(reg, min_age=12) == {}
    day_before = make(date_of_birth=turns_12_today + datetime.timedelta(days=1), id_number=None)
    message = errors_by_field(day_before, min_age=12)["date_of_birth"]
    assert "12" in message
    assert errors_by_field(day_before) == {}  # no minimum age, no error


def test_born_on_29_february_is_a_year_older_on_1_march():
    reg = make(date_of_birth=datetime.date(2012, 2, 29), id_number=None)
    assert validate_registration(reg, today=datetime.date(2024, 2, 28), min_age=12)
    assert not validate_registration(reg, today=datetime.date(2024, 2, 29), min_age=12)
    assert validate_registration(reg, today=datetime.date(2025, 2, 28), min_age=13)
    assert not validate_registration(reg, today=datetime.date(2025, 3, 1), min_age=13)


# --- identification number -------------------------------------------------------------------


def test_the_34_new_province_codes_are_all_valid_birth_registration_codes():
    assert len(ID_PROVINCE_CODES) == 63
    assert {"0" + p.code for p in geography.provinces()} <= set(ID_PROVINCE_CODES)


@pytest.mark.parametrize(
    ("number", "born"),
    [
        ("001204012345", datetime.date(2004, 5, 1)),  # male, 2000s
        ("079301000001", datetime.date(2001, 1, 1)),  # female, 2000s
        ("038153000257", datetime.date(1953, 7, 9)),  # female, 1900s
        ("096 087 123456", datetime.date(1987, 12, 31)),  # typed in groups
        ("001.204.012.345", datetime.date(2004, 5, 1)),
    ],
)
def test_valid_numbers_pass(number, born):
    assert check_id_number(number, born) is None
    assert check_id_number(number, None) is None


def test_each_problem_with_a_number_has_its_own_specific_message():
    born = datetime.date(2004, 5, 1)
    empty = check_id_number("  ", born)
    letters = check_id_number("00120401234A", born)
    short = check_id_number("00120401234", born)
    province = check_id_number("003204012345", born)
    century = check_id_number("001004012345", born)
    year = check_id_number("001205012345", born)
    messages = [empty, letters, short, province, century, year]
    assert None not in messages
    assert len(set(messages)) == len(messages)
    assert "11" in short
    assert "003" in province
    assert "2004" in century and "2" in century and "3" in century
    assert "05" in year and "04" in year


def test_without_a_date_of_birth_an_impossible_year_is_caught_when_today_is_known():
    born_2104 = "001404012345"
    assert check_id_number(born_2104, None) is None
    message = check_id_number(born_2104, None, today=TODAY)
    assert message is not None and "2104" in message
    assert check_id_number("001804012345", None, today=TODAY) is not None  # 1804
    assert check_id_number("001204012345", None, today=TODAY) is None


def _number_for(born: datetime.date, province: str, female: bool, tail: int) -> str:
    century_digit = {1900: 0, 2000: 2}[born.year // 100 * 100] + int(female)
    return f"{province}{century_digit}{born.year % 100:02d}{tail:06d}"


birth_dates = st.dates(min_value=datetime.date(1906, 3, 16), max_value=TODAY)
provinces = st.sampled_from(sorted(ID_PROVINCE_CODES))


@given(birth_dates, provinces, st.booleans(), st.integers(0, 999_999))
def test_any_number_made_from_the_date_of_birth_passes(born, province, female, tail):
    number = _number_for(born, province, female, tail)
    assert check_id_number(number, born) is None
    assert validate_registration(make(date_of_birth=born, id_number=number), today=TODAY) == []


@given(birth_dates, provinces, st.booleans(), st.integers(0, 999_999), st.integers(0, 9))
def test_a_wrong_century_digit_gets_the_century_message(born, province, female, tail, digit):
    number = _number_for(born, province, female, tail)
    assume(digit // 2 != int(number[3]) // 2)  # a digit for another century
    wrong = number[:3] + str(digit) + number[4:]
    message = check_id_number(wrong, born)
    assert message is not None
    assert str(digit) in message and str(born.year) in message
    other_year = number[:4] + f"{(born.year + 1) % 100:02d}" + number[6:]
    assert check_id_number(other_year, born) != message


@given(birth_dates, provinces, st.booleans(), st.integers(0, 999_999), st.integers(0, 99))
def test_wrong_year_digits_get_the_year_message(born, province, female, tail, year):
    assume(year != born.year % 100)
    number = _number_for(born, province, female, tail)
    wrong = number[:4] + f"{year:02d}" + number[6:]
    message = check_id_number(wrong, born)
    assert message is not None
    assert f"{year:02d}" in message and f"{born.year % 100:02d}" in message


def test_an_impossible_date_of_birth_does_not_also_blame_the_number():
    reg = make(date_of_birth=datetime.date(2030, 1, 1), id_number="001204012345")
    assert set(errors_by_field(reg)) == {"date_of_birth"}


def test_an_underage_entrant_still_has_the_number_checked_against_the_date():
    reg = make(date_of_birth=datetime.date(2020, 1, 1), id_number="001204012345")
    assert set(errors_by_field(reg, min_age=12)) == {"date_of_birth", "id_number"}


# --- phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "(+84) 912-345-678",
        "84912345678",
        "+84 0912 345 678",
        "0084 912 345 678",
        "912 345 678",
    ],
)
def test_phone_numbers_are_normalised(typed):
    assert normalise_phone(typed) == "0912345678"


@pytest.mark.parametrize(
    "typed",
    ["", "091234567", "09123456789", "0612345678", "0412345678", "024 3825 1234", "+1 555 0100"],
)
def test_numbers_that_are_not_vietnamese_mobiles_are_refused(typed):
    assert normalise_phone(typed) is None


def test_each_problem_with_a_phone_has_its_own_message():
    samples = ["0912abc678", "024 3825 1234", "091234567", "0612345678", "+1 555 0100"]
    messages = [errors_by_field(make(phone=p))["phone"] for p in samples]
    assert len(set(messages)) == len(samples)
    assert "9" in messages[2]


mobiles = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["03", "05", "07", "08", "09"]),
    st.text("0123456789", min_size=8, max_size=8),
)


@given(mobiles, st.sampled_from(["", "+84", "84", "+84 ", "0084"]), st.data())
def test_any_written_form_of_a_mobile_normalises_back_to_it(number, country, data):
    body = number[1:] if country else number
    separators = data.draw(st.lists(st.sampled_from(["", " ", ".", "-"]), min_size=len(body)))
    typed = country + "".join(d + s for d, s in zip(body, separators, strict=False))
    assert normalise_phone(typed) == number


@given(st.text(alphabet="0123456789 .-+()84", max_size=20))
def test_phone_normalisation_is_idempotent(typed):
    once = normalise_phone(typed)
    if once is not None:
        assert normalise_phone(once) == once


# --- province, commune, village ---------------------------------------------------------------


def test_commune_must_exist_and_lie_in_the_chosen_province():
    assert errors_by_field(make(province_code="01", commune_code="00070")) == {}
    assert errors_by_field(make(province_code=None, commune_code="00070")) == {}
    assert set(errors_by_field(make(commune_code="99999"))) == {"commune_code"}
    assert set(errors_by_field(make(province_code="99", commune_code=None))) == {"province_code"}
    wrong = errors_by_field(make(province_code="79", commune_code="00070"))["commune_code"]
    assert "Phường Hoàn Kiếm" in wrong and "Thành phố Hồ Chí Minh" in wrong


def test_village_is_free_text_up_to_100_characters():
    assert errors_by_field(make(village="Thôn " + "x" * 95)) == {}
    assert set(errors_by_field(make(village="Thôn " + "x" * 96))) == {"village"}


# --- prize fields, cleaning, masks -----------------------------------------------------------


def test_missing_prize_fields_lists_empty_ones_in_the_order_asked():
    reg = make(id_number="  ", phone=None, date_of_birth=None)
    wanted = ["phone", "full_name", "id_number", "date_of_birth", "commune_code"]
    assert missing_prize_fields(reg, wanted) == ["phone", "id_number", "date_of_birth"]
    assert missing_prize_fields(make(), FIELD_NAMES) == []
    assert missing_prize_fields(reg, []) == []


def test_missing_prize_fields_refuses_a_field_that_does_not_exist():
    with pytest.raises(ValueError):
        missing_prize_fields(make(), ["email"])


def test_clean_registration_tidies_without_changing_what_was_meant():
    raw = Registration(
        full_name="  nguye\u0302\u0303n   VĂN  an ",
        date_of_birth=datetime.date(2004, 5, 1),
        id_number=" 001 204-012.345 ",
        phone="+84 912.345.678",
        province_code=" 01 ",
        commune_code="00070",
        village="  Thôn   Đông ",
        participant_group="   ",
    )
    clean = clean_registration(raw)
    assert clean == Registration(
        full_name="nguyễn VĂN an",  # the case typed is kept
        date_of_birth=datetime.date(2004, 5, 1),
        id_number="001204012345",
        phone="0912345678",
        province_code="01",
        commune_code="00070",
        village="Thôn Đông",
        participant_group=None,
    )
    assert validate_registration(clean, today=TODAY) == []


def test_clean_registration_keeps_wrong_values_so_they_can_be_reported():
    clean = clean_registration(make(phone=" 024 3825 1234 ", id_number="00120401234A"))
    assert clean.phone == "024 3825 1234"
    assert clean.id_number == "00120401234A"
    assert set(errors_by_field(clean)) == {"phone", "id_number"}


optional_text = st.none() | st.text(max_size=30)


@given(
    st.builds(
        Registration,
        full_name=st.text(max_size=40),
        date_of_birth=st.none() | st.dates(),
        id_number=optional_text,
        phone=optional_text,
        province_code=optional_text,
        commune_code=optional_text,
        village=optional_text,
        participant_group=optional_text,
    )
)
def test_cleaning_twice_changes_nothing_more(reg):
    once = clean_registration(reg)
    assert clean_registration(once) == once


def test_masks_hide_the_middle_digits():
    assert mask_id_number("001204012345") == "001******345"
    assert mask_id_number("001 204 012345") == "001******345"
    assert mask_phone("0912345678") == "091****678"
    assert mask_phone("+84 912 345 678") == "091****678"
    assert mask_phone("12345") == "*****"
    assert mask_id_number("") == ""


# --- messages and personal data ---------------------------------------------------------------


def test_every_message_goes_through_translation(monkeypatch):
    for module in (registration, personal_numbers):
        monkeypatch.setattr(module, "_", lambda message: "«" + message + "»")
    bad = make(
        full_name="An",
        date_of_birth=datetime.date(2020, 1, 1),
        id_number="001004012345",
        phone="0612345678",
        province_code="79",
        commune_code="00070",
        village="x" * 101,
    )
    found = validate_registration(bad, today=TODAY, min_age=15)
    assert {e.field for e in found} == set(FIELD_NAMES) - {"province_code", "participant_group"}
    assert all(e.message.startswith("«") for e in found)
    assert all("{" not in e.message for e in found), "every placeholder is filled"
    assert isinstance(found[0], FieldError)


def test_personal_data_is_never_logged(caplog):
    caplog.set_level(logging.DEBUG)
    reg = make(phone="0612345678", id_number="001004012345")
    validate_registration(clean_registration(reg), today=TODAY, min_age=15)
    missing_prize_fields(reg, FIELD_NAMES)
    mask_phone(reg.phone or "")
    assert caplog.records == []
