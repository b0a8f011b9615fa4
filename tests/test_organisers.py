"""Organiser accounts: the first one needs the setup code that only the installer or the
command line shows; the code works once, expires, and gives up after a few wrong tries."""

import datetime

import pytest

from skillsapp.cli import main as cli_main
from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.storage import open_store
from skillsapp.storage.organisers import SETUP_CODE_DAYS, SETUP_CODE_TRIES

NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
NAME, PASSWORD = "to-truong", "mat-khau-dai"


@pytest.fixture
def store(data_paths):
    opened = open_store(data_paths)
    yield opened
    opened.close()


def refused(store, code, now=NOW, name=NAME):
    with pytest.raises(ValidationError) as caught:
        store.organisers.create(name, PASSWORD, setup_code=code, now=now)
    assert not store.organisers.exist()
    return caught.value


def test_the_first_account_needs_a_setup_code(store):
    assert refused(store, None).field == "setup_code"
    assert str(refused(store, "12345678")).startswith(
        _("This computer has no setup code that still works.")
    )
    code, expires = store.organisers.issue_setup_code(NOW)
    assert len(code) == 8 and code.isdigit()
    assert expires == NOW + datetime.timedelta(days=SETUP_CODE_DAYS)
    # Only a hash is kept: the code itself is nowhere in the database.
    assert all(code not in str(row) for row in store.db.execute("SELECT * FROM device"))
    store.organisers.create(NAME, PASSWORD, setup_code=f" {code[:4]}-{code[4:]} ", now=NOW)
    assert store.organisers.verify(NAME, PASSWORD)


def test_a_setup_code_works_once_and_later_accounts_need_none(store):
    code, _expires = store.organisers.issue_setup_code(NOW)
    store.organisers.create(NAME, PASSWORD, setup_code=code, now=NOW)
    assert not store.organisers.setup_code_pending(NOW)
    # Added by the signed-in organiser: no code asked.
    store.organisers.create("pho-to", "mat-khau-khac")
    assert store.organisers.usernames() == ["pho-to", NAME]
    # Every password forgotten: a new code (from the command line) adds one more account.
    assert refused_later(store, "12345678").field == "setup_code"
    code, _expires = store.organisers.issue_setup_code(NOW)
    assert refused_later(store, "").field == "setup_code"  # the form always sends its code
    store.organisers.create("moi", PASSWORD, setup_code=code, now=NOW)
    assert store.organisers.verify("moi", PASSWORD)
    assert refused_later(store, code, name="moi-nua").field == "setup_code"  # used up


def refused_later(store, code, name="moi"):
    with pytest.raises(ValidationError) as caught:
        store.organisers.create(name, PASSWORD, setup_code=code, now=NOW)
    assert name not in store.organisers.usernames()
    return caught.value


def test_an_expired_code_is_refused_with_a_way_forward(store):
    code, expires = store.organisers.issue_setup_code(NOW)
    error = refused(store, code, now=expires + datetime.timedelta(seconds=1))
    assert str(error).startswith(_("This setup code has expired."))
    assert "skillsapp organiser setup-code" in str(error)
    # A new code replaces it and works.
    code, _expires = store.organisers.issue_setup_code(NOW)
    store.organisers.create(NAME, PASSWORD, setup_code=code, now=NOW)
    assert store.organisers.exist()


def test_wrong_codes_are_counted_and_too_many_void_the_code(store):
    code, _expires = store.organisers.issue_setup_code(NOW)
    wrong = "00000000" if code != "00000000" else "11111111"
    for _try in range(SETUP_CODE_TRIES - 1):
        assert str(refused(store, wrong)) == _(
            "This setup code is not right. Check it and type it again."
        )
    # A bad password with the right code does not use the code up.
    with pytest.raises(ValidationError) as caught:
        store.organisers.create(NAME, "ngan", setup_code=code, now=NOW)
    assert caught.value.field == "password"
    assert store.organisers.setup_code_pending(NOW)
    error = refused(store, wrong)
    assert str(error).startswith(
        _("The setup code was typed wrong too many times and no longer works.")
    )
    assert refused(store, code).field == "setup_code"  # even the right one is void now
    tries = store.organisers.audit_entries("setup_code_wrong")
    assert [entry["detail"]["tries"] for entry in tries] == list(range(1, SETUP_CODE_TRIES + 1))


def test_the_command_line_prints_a_code_that_creates_the_account(data_paths, tmp_path, capsys):
    written = tmp_path / "ma.txt"
    args = ["--data-dir", str(data_paths.root), "--lang", "en"]
    assert cli_main([*args, "organiser", "setup-code", "--write", str(written)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Setup code for the first organiser account: ")
    assert written.read_text(encoding="utf-8") == out
    code = out.splitlines()[0].rsplit(": ", 1)[1]
    assert len(code) == 9 and code[4] == " "
    store = open_store(data_paths)
    try:
        store.organisers.create(NAME, PASSWORD, setup_code=code)
    finally:
        store.close()
    # Once an organiser exists, reinstalling leaves no working code behind: the command
    # refuses and says why, unless asked to --recover (every password lost).
    written.unlink()
    assert cli_main([*args, "organiser", "setup-code", "--write", str(written)]) == 2
    assert capsys.readouterr().err.startswith("An organiser account already exists")
    assert not written.exists()
    assert cli_main([*args, "organiser", "setup-code", "--recover", "--write", str(written)]) == 0
    code = written.read_text(encoding="utf-8").splitlines()[0].rsplit(": ", 1)[1]
    store = open_store(data_paths)
    try:
        store.organisers.create("moi", PASSWORD, setup_code=code)
        assert store.organisers.usernames() == ["moi", NAME]
    finally:
        store.close()
