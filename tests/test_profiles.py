import pytest

from skillsapp.errors import ValidationError
from skillsapp.storage.profiles import fold


def test_create_and_search_ignores_case_and_diacritics(store):
    store.profiles.create("Nguyễn Thị Lân", birth_year=1960, current_year=2026)
    store.profiles.create("Trần Văn Đức", birth_year=1955, current_year=2026)
    assert [p.display_name for p in store.profiles.list("lan")] == ["Nguyễn Thị Lân"]
    assert [p.display_name for p in store.profiles.list("duc")] == ["Trần Văn Đức"]
    assert len(store.profiles.list()) == 2


def test_names_are_cleaned_and_nfc(store):
    decomposed = "Nguye\u0302\u0303n  Va\u0306n   An "
    profile = store.profiles.create(decomposed)
    assert profile.display_name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"display_name": "  "}, "display_name"),
        ({"display_name": "A", "birth_year": 2030}, "birth_year"),
        ({"display_name": "A", "pin": "12"}, "pin"),
    ],
)
def test_bad_profile_input_is_rejected_with_the_field(store, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        store.profiles.create(current_year=2026, **kwargs)
    assert caught.value.field == field
    assert store.profiles.list() == []


def test_pin_is_checked_and_not_stored_in_clear(store):
    profile = store.profiles.create("Bác Hai", pin="4321")
    assert profile.has_pin
    assert store.profiles.check_pin(profile.id, "4321")
    assert not store.profiles.check_pin(profile.id, "1234")
    raw = store.db["profiles"].get(profile.id)["pin_hash"]
    assert "4321" not in raw


def test_fold():
    assert fold("Đặng Thị Ánh") == "dang thi anh"
