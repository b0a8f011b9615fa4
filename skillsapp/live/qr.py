"""The QR codes a phone game puts on the projector: the join address, and the hall's Wi-Fi.

Only the modules (dark or light squares) are made here; the screen paints them, as large as
it can, so a phone at the back of the hall can still read them::

    >>> join_address("192.168.1.5", 8080, room="482913")
    'http://192.168.1.5:8080/?room=482913'
    >>> wifi_payload("Nhà văn hóa", "mat;khau")
    'WIFI:T:WPA;S:Nhà văn hóa;P:mat\\\\;khau;;'
    >>> len(qr_modules("http://192.168.1.5:8080/?room=482913"))
    29

Error correction level M (15 % of the code may be dirty or hidden). Byte data is UTF-8
without an ECI header: phones read Wi-Fi names with Vietnamese letters that way, and some
readers fail on the header.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

import segno

WIFI_SECURITY = ("WPA", "WEP", "nopass")
# Characters the WIFI: format gives a meaning to, escaped with a backslash (the backslash first).
_WIFI_SPECIAL = ("\\", ";", ",", ":", '"')


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of modules, True for dark, without the quiet zone
    (the painter leaves it). The smallest version that holds ``text`` at level M."""
    code = segno.make_qr(text, error="m", boost_error=False, encoding="utf-8")
    return [[bool(module) for module in row] for row in code.matrix]


def qr_version(text: str) -> int:
    """The QR version (1–40) :func:`qr_modules` uses for ``text``: 21 + 4 per version modules a side."""
    return int(segno.make_qr(text, error="m", boost_error=False, encoding="utf-8").version)


def _escape(value: str) -> str:
    for char in _WIFI_SPECIAL:
        value = value.replace(char, "\\" + char)
    return value


def wifi_payload(ssid: str, password: str, security: str = "WPA") -> str:
    """The standard ``WIFI:`` text a phone's camera turns into "join this network".

    An empty password means an open network (``T:nopass``). ``security`` is WPA (also WPA2
    and WPA3 networks), WEP or nopass. The name is NFC, as Windows and phones type it.
    """
    name = unicodedata.normalize("NFC", ssid.strip())
    if not name:
        raise ValueError("the Wi-Fi name is empty")
    if security not in WIFI_SECURITY:
        raise ValueError(f"unknown Wi-Fi security {security!r}")
    if not password or security == "nopass":
        return f"WIFI:T:nopass;S:{_escape(name)};;"
    secret = unicodedata.normalize("NFC", password)
    return f"WIFI:T:{security};S:{_escape(name)};P:{_escape(secret)};;"


def join_address(address: str, port: int, room: str | None = None) -> str:
    """The address phones open: ``http://ADDRESS:PORT/``, with ``?room=CODE`` when given
    (the QR carries the room code; a resident who types the address enters it by hand)."""
    url = f"http://{address}:{int(port)}/"
    if room:
        url += "?room=" + quote(room, safe="")
    return url
