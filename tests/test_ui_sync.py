"""The Sync area as an organiser meets it, against a real provincial server on
loopback: connect the PC with a code, see what waits, press "Sync now", lose the
server, copy results to a USB stick, and the minute-by-minute background sync."""

import datetime

import pytest
from content_helpers import BUNDLED, STRICT_BUNDLED
from PySide6.QtCore import Qt
from server_helpers import live_server
from ui_helpers import FIXED_NOW, make_context

from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _, format_datetime, ngettext
from skillsapp.sync import client as kinds
from skillsapp.sync.client import SyncError
from skillsapp.sync.runner import enrol, status, sync_now
from skillsapp.sync.transfer import default_file_name
from skillsapp.ui.manage.common import ZERO_WIDTH_SPACE
from skillsapp.ui.sync.auto_sync import AutoSync
from skillsapp.ui.sync.page import SyncPage

pytest.importorskip("fastapi")
from skillsapp.server.publish import publish_pack  # noqa: E402
from skillsapp.server.transfer import import_transfer  # noqa: E402


def shown(label) -> str:
    """What a label says, without the invisible break points put into long file paths."""
    return label.text().replace(ZERO_WIDTH_SPACE, "")


CONTEST = "tim-hieu-chuyen-doi-so-2026"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def server(tmp_path):
    with live_server(tmp_path) as live:
        services = live.services
        publish_pack(
            services.engine, services.key, services.config.packs_dir, BUNDLED, strict=STRICT_BUNDLED
        )
        live.province = services.accounts.create_organiser("tinh", "mat-khau-tinh", "province")
        services.clock = lambda: SERVER_NOW
        yield live


@pytest.fixture
def context(tmp_path, qtbot):
    context = make_context(tmp_path)
    yield context
    context.store.close()


def new_code(server) -> str:
    return server.services.accounts.create_enrolment_code(server.province, "00070")


# The server's clock: an hour after the results were played, inside the contest's round.
SERVER_NOW = FIXED_NOW + datetime.timedelta(hours=1)


def real_now(context) -> datetime.datetime:
    """The server refuses results whose clock is far from its own, so syncs use its time."""
    context.clock.now = SERVER_NOW
    return context.clock.now


def play(store, name="Nguyễn Văn An"):
    """A resident registers and submits one attempt: two records wait in the outbox."""
    contest = store.content.contest(CONTEST)
    profile = store.profiles.create(name)
    registration = store.registrations.save(
        profile.id, CONTEST, {"full_name": name, "commune_code": "00070"}, complete=False
    )
    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.round("tuan-1"), FIXED_NOW, seed=1
    )
    for index in range(attempt.total):
        slot = attempt.slots[index]
        question = attempt.questions[slot.question_id]
        attempt.answer(index, [slot.option_order.index(i) for i in question.correct], FIXED_NOW)
    return attempt.submit(FIXED_NOW + datetime.timedelta(minutes=5))


def open_page(qtbot, context) -> SyncPage:
    page = SyncPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def come_back(page) -> None:
    """The user goes to another area and back."""
    page.hide()
    page.show()


def waiting(n: int) -> str:
    return ngettext(
        "{n} result is waiting to be sent to the province.",
        "{n} results are waiting to be sent to the province.",
        n,
    ).format(n=n)


def test_connect_the_pc_then_sync_now(server, context, qtbot, tmp_path):
    context.settings.server_url = server.url
    page = open_page(qtbot, context)
    overview = page.overview
    assert overview.enrol_button.isVisible() and not overview.sync_button.isVisible()
    assert overview.last_success.text() == _("Not synced with the province yet.")

    qtbot.mouseClick(overview.enrol_button, LEFT)
    form = page.enrol_screen
    assert page.current_screen() is form
    assert form.url.text() == server.url  # from the settings
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # Esc goes back
    assert page.current_screen() is overview
    qtbot.mouseClick(overview.enrol_button, LEFT)

    qtbot.mouseClick(form.connect_button, LEFT)  # nothing typed yet
    assert form.code_field.error.text() == _("Type the enrolment code from the organiser.")
    assert form.name_field.error.isVisibleTo(form)
    assert not status(context.store).enrolled

    ca_file = tmp_path / "tinh-ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n")
    page.choose_ca_file = lambda: ca_file
    qtbot.mouseClick(form.ca_button, LEFT)
    assert form.ca_label.text() == "tinh-ca.pem"
    qtbot.keyClicks(form.code, new_code(server))
    form.name.setText("Nhà văn hóa thôn Đông")  # QTest cannot type Vietnamese letters
    qtbot.mouseClick(form.connect_button, LEFT)

    assert page.current_screen() is overview
    assert shown(overview.result) == _(
        "This PC is now connected to the province's server ({url})."
    ).format(url=server.url)
    assert overview.sync_button.isVisible() and not overview.enrol_button.isVisible()
    assert status(context.store).enrolled
    assert context.settings.ca_bundle == str(ca_file)  # remembered for next time

    play(context.store)
    come_back(page)
    assert overview.waiting.text() == waiting(2)

    now = real_now(context)
    with qtbot.waitSignal(context.sync_finished):
        qtbot.mouseClick(overview.sync_button, LEFT)
    assert overview.waiting.text() == _("No results are waiting to be sent.")
    assert overview.last_success.text() == _("Last successful sync: {when}").format(
        when=format_datetime(now)
    )
    assert overview.result.text().startswith(
        ngettext("Sent {n} result to the province.", "Sent {n} results to the province.", 2).format(
            n=2
        )
    )
    assert not overview.problem.isVisible() and not overview.busy.isVisible()
    assert context.store.outbox.pending_count() == 0


def test_a_wrong_code_is_told_plainly(server, context, qtbot):
    page = open_page(qtbot, context)
    qtbot.mouseClick(page.overview.enrol_button, LEFT)
    form = page.enrol_screen
    form.url.setText("dia chi sai")
    qtbot.mouseClick(form.connect_button, LEFT)
    assert form.url_field.error.text() == _(
        "Type the server address the organiser gave you, without spaces."
    )

    form.url.setText(server.url)
    form.code.setText("WRONGCODE1")
    form.name.setText("PC")
    qtbot.mouseClick(form.connect_button, LEFT)
    assert page.current_screen() is form
    assert form.error.text().startswith(_("The server refused the request: {detail}").split("{")[0])
    assert form.connect_button.isEnabled() and not status(context.store).enrolled


def test_server_stopped_shows_the_offline_message_and_keeps_results(server, context, qtbot):
    enrol(context.store, server.url, new_code(server), "PC")
    play(context.store)
    page = open_page(qtbot, context)
    overview = page.overview
    assert overview.waiting.text() == waiting(2)
    server.stop()

    real_now(context)
    qtbot.mouseClick(overview.sync_button, LEFT)
    offline = str(SyncError(kinds.OFFLINE))
    assert overview.problem.text() == _("Last problem: {problem}").format(problem=offline)
    assert overview.problem.isVisible()
    assert overview.waiting.text() == waiting(2)
    assert context.store.outbox.pending_count() == 2
    assert overview.next_try.isVisible()  # backing off, and saying until when
    assert overview.last_success.text() == _("Not synced with the province yet.")
    assert overview.sync_button.isEnabled()


def test_usb_export_writes_a_file_the_server_accepts(server, context, qtbot, tmp_path):
    play(context.store)
    page = open_page(qtbot, context)
    qtbot.mouseClick(page.overview.usb_button, LEFT)
    usb = page.usb_screen
    assert page.current_screen() is usb
    assert usb.waiting.text() == waiting(2)
    assert usb.code.isVisible()  # not enrolled: the file can carry a code

    chosen = []

    def choose(suggested):
        chosen.append(suggested)
        return tmp_path / "usb" / suggested

    page.choose_path = choose
    qtbot.keyClicks(usb.code, new_code(server))
    usb.name.setText("Nhà văn hóa thôn Đông")
    qtbot.mouseClick(usb.copy_button, LEFT)

    assert chosen == [default_file_name(context.now())]
    target = tmp_path / "usb" / chosen[0]
    assert shown(usb.result) == ngettext(
        "Copied {n} result to {file}. Give this file to the organiser.",
        "Copied {n} results to {file}. Give this file to the organiser.",
        2,
    ).format(n=2, file=str(target))
    assert not usb.last.isVisible()  # the message above already says where it went
    result = import_transfer(server.services, target.read_bytes())
    assert len(result.accepted) == 2
    assert (
        server.services.accounts.device(context.store.device_id) is not None
    )  # enrolled on import

    before = usb.result.text()
    page.choose_path = lambda suggested: None  # cancelled: nothing happens
    qtbot.mouseClick(usb.copy_button, LEFT)
    assert usb.result.text() == before and usb.copy_button.isEnabled()
    qtbot.keyClick(usb, Qt.Key.Key_Escape)
    assert page.current_screen() is page.overview
    qtbot.mouseClick(page.overview.usb_button, LEFT)  # later: the last copy is remembered
    assert not usb.result.isVisible() and usb.last.isVisible()
    assert str(target) in shown(usb.last)


def test_auto_sync_runs_only_when_due(server, context, qtbot):
    auto = AutoSync(context)
    seen = []
    auto.finished.connect(seen.append)
    assert auto.trigger() is False  # not enrolled: nothing to do
    assert seen == []

    enrol(context.store, server.url, new_code(server), "PC")
    play(context.store)
    page = open_page(qtbot, context)
    now = real_now(context)
    with qtbot.waitSignal(auto.finished):
        assert auto.trigger() is True
    assert context.store.outbox.pending_count() == 0
    assert page.overview.waiting.text() == _("No results are waiting to be sent.")  # page refreshed

    server.stop()
    with pytest.raises(SyncError):  # a failure: the runner backs off for a minute
        sync_now(context.store, now)
    assert status(context.store).next_try_at > now
    assert auto.trigger() is False  # not due yet
    assert len(seen) == 1

    context.clock.advance(minutes=2)
    auto.stop()
    assert auto.trigger() is False  # stopped with the app
    assert not auto.timer.isActive()


def test_going_back_from_the_connect_form_keeps_what_was_typed_and_connects_nothing(context, qtbot):
    page = open_page(qtbot, context)
    qtbot.mouseClick(page.overview.enrol_button, LEFT)
    form = page.enrol_screen
    form.url.setText("https://kns.tinh.gov.vn")
    qtbot.keyClicks(form.code, "ABCD1234")
    qtbot.mouseClick(form.back_button, LEFT)  # in the action bar, always in view
    assert page.current_screen() is page.overview
    assert not status(context.store).enrolled
    assert page.overview.enrol_button.isVisible()
    qtbot.mouseClick(page.overview.enrol_button, LEFT)
    assert form.code.text() == "ABCD1234"  # a slip of the hand loses nothing
    assert form.url.text() == "https://kns.tinh.gov.vn"


def test_enter_on_the_focused_copy_button_writes_the_usb_file(context, qtbot, tmp_path):
    play(context.store)
    page = open_page(qtbot, context)
    qtbot.mouseClick(page.overview.usb_button, LEFT)
    usb = page.usb_screen
    page.choose_path = lambda suggested: tmp_path / suggested
    qtbot.keyClicks(usb.code, "ABCD1234")
    qtbot.keyClick(usb.code, Qt.Key.Key_Return)  # Enter in a text box writes nothing
    assert not usb.result.isVisible()
    page.activateWindow()
    usb.copy_button.setFocus()
    qtbot.waitUntil(usb.copy_button.hasFocus)
    qtbot.keyClick(usb.copy_button, Qt.Key.Key_Return)
    assert usb.result.objectName() == "good" and len(list(tmp_path.glob("*.kns"))) == 1


def test_a_pc_the_server_no_longer_knows_is_offered_to_connect_again(server, context, qtbot):
    from sqlalchemy import select

    from skillsapp.server import db

    context.settings.server_url = server.url
    enrol(context.store, server.url, new_code(server), "Nhà văn hóa thôn Đông")
    settings = context.store.get_state("server")
    context.store.set_state("server", {**settings, "token": "a-token-the-server-never-made"})
    with pytest.raises(SyncError):
        sync_now(context.store, real_now(context))
    page = open_page(qtbot, context)
    overview = page.overview
    assert shown(overview.problem) == _("Last problem: {problem}").format(
        problem=SyncError(kinds.AUTH).user_message()
    )
    assert overview.enrol_button.isVisible()  # "ask for a new code" comes with a way to use it

    qtbot.mouseClick(overview.enrol_button, LEFT)
    form = page.enrol_screen
    qtbot.keyClicks(form.code, new_code(server))
    form.name.setText("Nhà văn hóa thôn Đông")
    qtbot.mouseClick(form.connect_button, LEFT)
    assert page.current_screen() is overview
    assert not overview.enrol_button.isVisible() and not shown(overview.problem)
    play(context.store)
    assert sync_now(context.store, real_now(context)).sent == 2
    with server.services.engine.connect() as conn:
        devices = conn.execute(select(db.devices.c.id)).scalars().all()
    assert devices == [context.store.device_id]  # the same PC, enrolled again


def test_a_refused_result_says_whose_it_was_and_why(server, context, qtbot):
    """The server refuses a forged result (here a duration of −5 s): the sync page names
    the person and the round and shows the server's Vietnamese reason as it came."""
    enrol(context.store, server.url, new_code(server), "PC")
    play(context.store, name="Nguyễn Văn An")
    context.store.db.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.duration_ms', -5000) "
        "WHERE record_type = 'attempt'"
    )
    context.store.db.conn.commit()
    page = open_page(qtbot, context)
    overview = page.overview
    assert not overview.refusal_list.isVisible()

    real_now(context)
    with qtbot.waitSignal(context.sync_finished):
        qtbot.mouseClick(overview.sync_button, LEFT)

    assert overview.refused.isVisible() and overview.refusal_list.isVisible()
    assert overview.refusal_list.text() == (
        "Kết quả của Nguyễn Văn An (Tuần 1) bị máy chủ từ chối: "
        "Thời gian làm bài của lượt thi phải lớn hơn 0."
    )
    assert context.store.outbox.pending_count() == 0  # the registration went through
    come_back(page)  # still there on the next visit
    assert "Nguyễn Văn An (Tuần 1)" in overview.refusal_list.text()
