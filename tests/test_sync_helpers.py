"""Small sync helpers the Sync screen uses: the server address as typed, the USB
file's suggested name, and what the last USB copy was."""

import datetime

import pytest

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.sync.runner import clean_server_url
from skillsapp.sync.transfer import default_file_name, export_transfer, last_transfer


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("kns.tinh.gov.vn", "https://kns.tinh.gov.vn"),
        ("  https://kns.tinh.gov.vn/ ", "https://kns.tinh.gov.vn"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_server_address_as_typed(typed, url):
    assert clean_server_url(typed) == url


@pytest.mark.parametrize("typed", ["", "   ", "kns tinh gov vn"])
def test_unusable_server_address_is_refused_plainly(typed):
    with pytest.raises(ValidationError) as caught:
        clean_server_url(typed)
    assert caught.value.field == "server_url"
    assert str(caught.value) == _("Type the server address the organiser gave you, without spaces.")


def test_usb_file_name_uses_vietnam_time():
    moment = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
    assert default_file_name(moment) == "ket-qua-20261208-0900.kns"


def test_last_transfer_is_remembered(store, tmp_path):
    assert last_transfer(store) is None
    moment = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
    target = tmp_path / "usb" / "ket-qua.kns"
    count = export_transfer(store, target, moment)
    last = last_transfer(store)
    assert last is not None and last.at == moment and last.records == count
    assert last.file == str(target) and target.exists()
