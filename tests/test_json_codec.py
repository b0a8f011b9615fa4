"""The fast JSON codec used by sync batches gives what the standard library gives."""

from __future__ import annotations

import json

import pytest

from skillsapp import json_codec
from skillsapp.json_codec import Raw


def test_raw_payload_text_is_embedded_as_sent_and_reads_back_equal():
    payload = {"id": "a1", "full_name": "Nguyễn Thị Hoa", "answers": [{"chosen": [2]}]}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)  # as the outbox stores it
    body = json_codec.dumps_bytes({"records": [{"id": "a1", "payload": Raw(text)}]})
    assert text.encode("utf-8") in body
    assert json.loads(body) == {"records": [{"id": "a1", "payload": payload}]}


def test_values_orjson_refuses_fall_back_to_the_standard_library():
    big = 2**70  # beyond 64 bits: orjson refuses to write it
    body = json_codec.dumps_bytes({"seed": big, "payload": Raw('{"x": 1}')})
    assert json.loads(body) == {"seed": big, "payload": {"x": 1}}
    assert json_codec.dumps_text({"seed": big}) == '{"seed":1180591620717411303424}'
    loaded = json_codec.loads(b'{"score": NaN}')  # the standard library reads NaN
    assert loaded["score"] != loaded["score"]


def test_text_keeps_vietnamese_letters():
    assert json_codec.dumps_text({"tên": "Bà Hoa"}) == '{"tên":"Bà Hoa"}'


@pytest.mark.parametrize("body", [b"{bad", b"", b'{"a": 1', b"\xff\xfe{}"])
def test_not_json_raises_the_standard_decode_error(body):
    with pytest.raises(ValueError) as raised:
        json_codec.loads(body)
    # FastAPI turns json.JSONDecodeError into its 422 answer; a body that is not UTF-8 is a
    # UnicodeDecodeError, as it was with the standard library.
    assert isinstance(raised.value, json.JSONDecodeError | UnicodeDecodeError)
