"""The cyclic collector is off while a pack is read, and as it was afterwards."""

import gc

import pytest

from skillsapp.content.gc_pause import collection_paused


def test_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not turn it on early
    assert gc.isenabled()


def test_collector_is_back_on_after_an_error():
    with pytest.raises(ValueError), collection_paused():
        raise ValueError("bad pack")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
