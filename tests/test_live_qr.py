"""The projector's QR codes: the join address and the hall's Wi-Fi (skillsapp/live/qr.py)."""

from __future__ import annotations

import unicodedata

import pytest
import segno

from skillsapp.live.qr import join_address, qr_modules, qr_version, wifi_payload


def test_join_address_carries_the_room_code():
    assert join_address("192.168.1.5", 8080) == "http://192.168.1.5:8080/"
    assert join_address("10.0.0.2", 8000, room="482913") == "http://10.0.0.2:8000/?room=482913"


def test_a_typical_join_address_is_a_small_square_code():
    url = join_address("192.168.137.1", 8080, room="482913")
    modules = qr_modules(url)
    # 37 characters at level M fit version 3: 29 modules a side, big squares on the projector.
    assert qr_version(url) == 3
    assert len(modules) == 29
    assert all(len(row) == 29 for row in modules)
    # The three finder patterns: a dark 7×7 ring in three corners, light just inside.
    for top, left in ((0, 0), (0, 22), (22, 0)):
        assert all(modules[top][left + i] for i in range(7))
        assert all(modules[top + 6][left + i] for i in range(7))
        assert not modules[top + 1][left + 1]
        assert modules[top + 3][left + 3]
    assert not modules[7][7]  # the separator around the top-left finder


def test_a_longer_text_takes_a_larger_version():
    assert len(qr_modules("x" * 200)) > len(qr_modules("http://192.168.1.5:8080/?room=1"))


def test_wifi_payload_of_a_plain_network():
    assert wifi_payload("NhaVanHoa", "12345678") == "WIFI:T:WPA;S:NhaVanHoa;P:12345678;;"
    assert wifi_payload("NhaVanHoa", "12345678", "WEP") == "WIFI:T:WEP;S:NhaVanHoa;P:12345678;;"


def test_wifi_payload_of_an_open_network_has_no_password():
    assert wifi_payload("Thu vien xa", "") == "WIFI:T:nopass;S:Thu vien xa;;"
    assert wifi_payload("Thu vien xa", "ignored", "nopass") == "WIFI:T:nopass;S:Thu vien xa;;"


def test_wifi_payload_escapes_the_special_characters():
    payload = wifi_payload('a\\b;c,d:e"f', 'p;a:s,s"w\\d')
    assert payload == 'WIFI:T:WPA;S:a\\\\b\\;c\\,d\\:e\\"f;P:p\\;a\\:s\\,s\\"w\\\\d;;'


def test_wifi_payload_keeps_a_vietnamese_name_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Nhà văn hóa thôn Đông")
    payload = wifi_payload(decomposed, "matkhau1")
    assert payload == "WIFI:T:WPA;S:Nhà văn hóa thôn Đông;P:matkhau1;;"
    assert unicodedata.is_normalized("NFC", payload)
    # The code holds the UTF-8 bytes (what phones decode), not another encoding of them.
    utf8 = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    assert qr_modules(payload) == [[bool(m) for m in row] for row in utf8.matrix]
    # Even when every letter also exists in Latin-1 (à, ô), which QR's default would pick.
    latin_letters = wifi_payload("Nhà ông Tô", "matkhau1")
    utf8 = segno.make_qr(latin_letters.encode("utf-8"), error="m", boost_error=False)
    assert qr_modules(latin_letters) == [[bool(m) for m in row] for row in utf8.matrix]


@pytest.mark.parametrize("ssid, security", [("  ", "WPA"), ("Wifi", "WPA4")])
def test_wifi_payload_refuses_an_empty_name_or_unknown_security(ssid, security):
    with pytest.raises(ValueError):
        wifi_payload(ssid, "12345678", security)
