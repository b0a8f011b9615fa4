import subprocess
import sys

import pytest

from skillsapp import geography
from skillsapp.storage.profiles import fold
from skillsapp.text import sort_key


def test_there_are_34_provinces_in_official_order_with_hanoi_first():
    provinces = geography.provinces()
    assert len(provinces) == 34
    assert len({p.code for p in provinces}) == 34
    assert all(len(p.code) == 2 and p.code.isdigit() for p in provinces)
    hanoi = provinces[0]
    assert (hanoi.code, hanoi.name, hanoi.kind) == (
        "01",
        "Thành phố Hà Nội",
        "thành phố trung ương",
    )
    assert provinces[-1].name == "Cà Mau"
    assert {p.kind for p in provinces} == {"tỉnh", "thành phố trung ương"}
    assert all(p.province_code is None for p in provinces)


def test_every_commune_belongs_to_one_of_the_provinces():
    total = 0
    for province in geography.provinces():
        communes = geography.communes(province.code)
        assert communes, province.name
        assert all(c.province_code == province.code for c in communes)
        total += len(communes)
    assert total == 3321
    assert len(geography.search_communes("")) == total


def test_commune_codes_are_five_digits_and_kinds_are_the_three_of_2025():
    communes = geography.search_communes("")
    assert all(len(c.code) == 5 and c.code.isdigit() for c in communes)
    assert {c.kind for c in communes} == {"xã", "phường", "đặc khu"}


def test_lookup_by_code():
    hoan_kiem = geography.commune("00070")
    assert hoan_kiem is not None
    assert (hoan_kiem.name, hoan_kiem.kind, hoan_kiem.province_code) == (
        "Phường Hoàn Kiếm",
        "phường",
        "01",
    )
    assert geography.province_of_commune("00070") == geography.province("01")
    assert geography.commune("70") is None  # codes are zero-padded
    assert geography.commune("99999") is None
    assert geography.province_of_commune("99999") is None
    assert geography.province("00") is None
    assert geography.communes("00") == []


@pytest.mark.parametrize(
    "typed", ["hoan kiem", "Hoàn Kiếm", "HOAN KIEM", "phuong hoan ki", "kiem hoan"]
)
def test_search_ignores_case_diacritics_word_order_and_finds_hoan_kiem(typed):
    found = geography.search_communes(typed)
    assert found[0].name == "Phường Hoàn Kiếm"


def test_search_matches_starts_of_words_not_the_middle():
    # "kiem" is inside no other word; "oan" starts no word of Phường Hoàn Kiếm.
    assert "Phường Hoàn Kiếm" not in [c.name for c in geography.search_communes("oan kiem")]


def test_search_puts_names_that_start_with_the_text_first():
    found = geography.search_communes("ba dinh")
    assert found[0].name == "Phường Ba Đình"
    for commune in found:
        assert "ba" in fold(commune.name) and "dinh" in fold(commune.name)


def test_search_within_a_province_only_returns_its_communes():
    everywhere = geography.search_communes("hung dao")
    in_cao_bang = geography.search_communes("hung dao", province_code="04")
    assert len(everywhere) > len(in_cao_bang) >= 1
    assert all(c.province_code == "04" for c in in_cao_bang)
    assert geography.search_communes("", province_code="04") == geography.communes("04")


def test_search_finds_special_zones_and_names_with_apostrophes():
    assert geography.search_communes("phu quoc")[0].name == "Đặc khu Phú Quốc"
    assert geography.search_communes("ea h'leo")[0].name == "Xã Ea H’leo"


def test_search_for_nothing_real_finds_nothing():
    assert geography.search_communes("zzzz") == []


def test_communes_are_in_vietnamese_alphabetical_order_ignoring_the_kind_word():
    names = [c.name for c in geography.communes("01")]
    bare = [n.split(" ", 1)[1] for n in names]
    assert bare == sorted(bare, key=sort_key)
    assert names.index("Phường Ba Đình") < names.index("Xã Bát Tràng")
    # Letters before tones: a < ă < â, so Bát comes before Bất, and d before đ.
    assert names.index("Xã Bát Tràng") < names.index("Xã Bất Bạt")
    assert names.index("Xã Dân Hòa") < names.index("Xã Đa Phúc")


def test_provinces_by_name_are_in_dictionary_order_without_thanh_pho():
    names = [p.name for p in geography.provinces_by_name()]
    assert len(names) == 34
    assert names[:5] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Thành phố Cần Thơ"]
    # Đ after D-less letters of the same start, and all Đ names together after C.
    assert names[5:10] == ["Thành phố Đà Nẵng", "Đắk Lắk", "Điện Biên", "Đồng Nai", "Đồng Tháp"]
    assert names.index("Thành phố Hà Nội") < names.index("Hà Tĩnh")
    assert names.index("Lai Châu") < names.index("Lạng Sơn") < names.index("Lâm Đồng")
    assert names[-1] == "Vĩnh Long"


def test_returned_lists_are_the_callers_own():
    geography.provinces().clear()
    geography.communes("01").clear()
    assert len(geography.provinces()) == 34
    assert geography.communes("01")


def test_importing_geography_loads_no_data():
    code = (
        "import sys, skillsapp.geography\n"
        "heavy = [m for m in ('vietnam_provinces', 'sqlite_utils') if m in sys.modules]\n"
        "print(heavy)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
