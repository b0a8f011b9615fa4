"""Starting the phone game of a group session: which network the phones join on, the
port, the hall's Wi-Fi (for a second QR code), and two options — points for speed (off:
older players lose a race against the clock) and a leaderboard on the projector.

"Start" reads the questions on this thread, then imports and starts the web server off
it (the first start imports uvicorn: it says "Starting…" meanwhile). A port in use, or
any other failure, is shown here in words; nothing is left listening.

Keys: Tab moves; Enter or Space on the network list opens it (Up/Down, Enter picks);
Enter in a Wi-Fi field or on "Start" starts; Esc goes back to the session.
"""

from __future__ import annotations

import logging
import threading
import weakref

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from skillsapp.flows.phone_game import (
    DEFAULT_PORT,
    HallAddress,
    PhoneGameOptions,
    launch_phone_game,
    prepare_phone_game,
    rank_addresses,
)
from skillsapp.i18n import _
from skillsapp.storage.group_sessions import GroupSession
from skillsapp.ui.common.fields import ComboBox, SpinBox
from skillsapp.ui.common.widgets import (
    MIN_TARGET,
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
    status_line,
)
from skillsapp.ui.shell.context import AppContext

log = logging.getLogger(__name__)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def hall_addresses() -> list[HallAddress]:
    """Every IPv4 address of the interfaces that are up and running, likeliest first."""
    found: list[HallAddress] = []
    flags = QNetworkInterface.InterfaceFlag
    for interface in QNetworkInterface.allInterfaces():
        state = interface.flags()
        if not (state & flags.IsUp and state & flags.IsRunning):
            continue
        for entry in interface.addressEntries():
            ip = entry.ip()
            if ip.protocol() != QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
                continue
            found.append(
                HallAddress(
                    interface.humanReadableName() or interface.name(),
                    ip.toString(),
                    loopback=bool(state & flags.IsLoopBack),
                )
            )
    return rank_addresses(found)


class PhoneGameStart(TaskPage):
    """``started`` carries the RunningPhoneGame, listening; ``back`` goes to the session."""

    started = Signal(object)
    back = Signal()

    def __init__(
        self,
        context: AppContext,
        session: GroupSession,
        addresses: list[HallAddress] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.session = session
        self.starting = False
        self.abandoned = False  # the leader left while the server was starting
        self.addresses = hall_addresses() if addresses is None else addresses

        self.body.addWidget(heading(_("Play on phones")))
        self.body.addWidget(
            paragraph(
                _(
                    "Residents scan the code on the projector and answer on their own phone, "
                    "over the hall's Wi-Fi. No internet is needed: the phones talk to this PC."
                ),
                muted=True,
            )
        )
        # Each label above its field, as wide as the page: a form layout's wrapped labels
        # take a narrow column and break short phrases at the largest text.
        form = QVBoxLayout()
        form.setSpacing(8)

        def row(label: str, widget: QWidget) -> None:
            text = QLabel(label)
            text.setWordWrap(True)
            text.setBuddy(widget)
            widget.setAccessibleName(label.rstrip(":"))
            widget.setMinimumHeight(MIN_TARGET)
            form.addWidget(text)
            form.addWidget(widget)

        self.network = ComboBox()
        self.network.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.network.setMinimumContentsLength(12)
        for item in self.addresses:
            self.network.addItem(f"{item.interface} — {item.address}", item.address)
        self.network.installEventFilter(self)
        row(_("The network the phones join:"), self.network)
        only_here = all(a.loopback or a.address.startswith("127.") for a in self.addresses)
        self.network_note = paragraph(
            _(
                "This PC is on no network: only its own browser can join. Turn on the Wi-Fi "
                "or the PC's mobile hotspot, then come back to this screen."
            )
            if only_here
            else _("Choose the Wi-Fi or cable the phones are on (usually Wi-Fi)."),
            muted=True,
        )
        form.addWidget(self.network_note)

        self.port = SpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(context.settings.phone_game_port or DEFAULT_PORT)
        self.port.setGroupSeparatorShown(False)
        row(_("Port (change it only if 8080 is taken):"), self.port)

        self.wifi_name = QLineEdit()
        self.wifi_name.setMaxLength(32)  # the longest Wi-Fi name there is
        self.wifi_name.setPlaceholderText(_("Optional: for a QR code that joins the Wi-Fi"))
        self.wifi_name.setText(context.settings.phone_game_wifi)  # last time's hall
        row(_("Wi-Fi name:"), self.wifi_name)
        self.wifi_password = QLineEdit()
        self.wifi_password.setMaxLength(63)
        self.wifi_password.setPlaceholderText(_("Leave empty for an open Wi-Fi"))
        row(_("Wi-Fi password:"), self.wifi_password)

        self.speed_bonus = QCheckBox(_("Extra points for answering quickly"))
        self.speed_bonus.setMinimumHeight(MIN_TARGET)
        form.addWidget(self.speed_bonus)
        form.addWidget(
            paragraph(
                _(
                    "Off unless you turn it on: older people are at a disadvantage when "
                    "speed counts. Without it every right answer is worth the same."
                ),
                muted=True,
            )
        )
        self.leaderboard = QCheckBox(_("Show a leaderboard on the projector"))
        self.leaderboard.setMinimumHeight(MIN_TARGET)
        form.addWidget(self.leaderboard)
        self.body.addLayout(form)

        self.status = status_line("subtitle")
        self.body.addWidget(self.status)
        self.error = status_line("bad")
        self.body.addWidget(self.error)
        self.body.addStretch(1)

        self.back_button = self.add_action(big_button(_("← Back")), left=True)
        self.back_button.setAccessibleName(_("Back to the session"))
        self.back_button.clicked.connect(self.back)
        self.start_button = self.add_action(big_button(_("Start the game"), primary=True))
        self.start_button.clicked.connect(self.start)
        for button in (self.back_button, self.start_button):
            button.setAutoDefault(True)
        for edit in (self.wifi_name, self.wifi_password):
            edit.returnPressed.connect(self.start)
        self.setFocusProxy(self.network)  # the area gives the screen the focus: the list has it

    def options(self) -> PhoneGameOptions:
        return PhoneGameOptions(
            address=self.network.currentData() or "127.0.0.1",
            port=self.port.value(),
            wifi_name=self.wifi_name.text().strip(),
            wifi_password=self.wifi_password.text(),
            speed_bonus=self.speed_bonus.isChecked(),
            leaderboard=self.leaderboard.isChecked(),
        )

    # -- starting -------------------------------------------------------------------------
    def start(self) -> None:
        if self.starting:
            return
        self.starting = True
        self.error.setVisible(False)
        self.status.setText(_("Starting… The first time takes a few seconds."))
        self.status.setVisible(True)
        for widget in (self.start_button, self.back_button, self.network, self.port):
            widget.setEnabled(False)
        try:
            plan = prepare_phone_game(self.context.store, self.session, self.options())
        except Exception as exc:  # a database problem: say it, start nothing
            log.warning("phone game not prepared: %s", type(exc).__name__)
            self._failed(exc)
            return
        self.plan = plan
        screen = weakref.ref(self)

        def started(running) -> None:
            # Not a method of the screen: if it was deleted meanwhile (another session
            # opened), the server must still be stopped, not left listening.
            alive = screen()
            if alive is None or not shiboken6.isValid(alive) or alive.abandoned:
                threading.Thread(target=running.stop, name="live-stop", daemon=True).start()
                return
            alive._started(running)

        def failed(error: Exception) -> None:
            alive = screen()
            if alive is not None and shiboken6.isValid(alive):
                alive._failed(error)

        self.context.tasks.start(lambda _progress: launch_phone_game(plan), started, failed)

    def _started(self, running) -> None:
        self.starting = False
        # Next week in the same hall: the same port and Wi-Fi name (never the password).
        options = running.options
        self.context.update_settings(
            phone_game_port=options.port, phone_game_wifi=options.wifi_name
        )
        self.started.emit(running)

    def _failed(self, error: Exception) -> None:
        self.starting = False
        plan = getattr(self, "plan", None)
        if plan is not None:
            try:  # the game's record ends with no player rather than staying open
                plan.recorder.game_finished(plan.game_id)
            except Exception:
                log.warning("the failed phone game's record was not closed")
        if self.abandoned:
            return
        from skillsapp.live.host import LiveHostError

        if isinstance(error, LiveHostError):
            message = str(error)  # already in the leader's language
        else:
            message = _("The phone game could not start: {error}").format(error=error)
        self.status.setVisible(False)
        self.error.setText(message)
        self.error.setVisible(True)
        for widget in (self.start_button, self.back_button, self.network, self.port):
            widget.setEnabled(True)
        self.start_button.setFocus()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not event.spontaneous():  # another screen or area, not a minimised window
            self.abandoned = True
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.abandoned = False
        super().showEvent(event)

    # -- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        # Enter on the closed network list opens it (Qt only opens it with Space or Alt+↓).
        if (
            watched is self.network
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _ENTER
        ):
            self.network.showPopup()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        if key == Qt.Key.Key_Escape and not self.starting:
            self.back.emit()
        elif key in _ENTER:
            press_focused_button(self)  # a check box or the port passed it on: nothing more
        else:
            super().keyPressEvent(event)
