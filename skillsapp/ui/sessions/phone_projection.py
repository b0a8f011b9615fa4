"""The projector during a phone game. Before the first question: a large QR code of the
join address, the address typed out, the room code, the Wi-Fi's own QR code when the
leader gave the network, and how many have joined. Then each question as the group quiz
shows it (:class:`~skillsapp.ui.sessions.group_quiz.QuizProjection`), with how many have
answered — never who — then the same bar chart and explanation; an optional leaderboard.

The leader's screen (:mod:`skillsapp.ui.sessions.phone_control`) drives it from the game's
snapshots; nothing here talks to the network or the database.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from skillsapp.i18n import _, format_number, ngettext
from skillsapp.live.qr import qr_modules
from skillsapp.models import Question
from skillsapp.ui.sessions.group_quiz import QuizProjection
from skillsapp.ui.sessions.presentation import text_label
from skillsapp.ui.sessions.qr_code import QrCode
from skillsapp.ui.shell.context import AppContext


def spaced_code(code: str) -> str:
    """ "482913" → "482 913": six digits read aloud in two halves."""
    return f"{code[:3]} {code[3:]}" if len(code) == 6 else code


def plain_label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    """A label for what residents typed (names): shown as text, never as markup."""
    label = text_label(text, name, wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class PhoneProjection(QuizProjection):
    """The room's view of a phone game; :class:`PhoneGameControl` calls its ``show_*``."""

    EXTRA_STYLE = (
        QuizProjection.EXTRA_STYLE
        + """
    QLabel#roomcode {{ font-size: {big}pt; font-weight: 800; }}
    QLabel#address {{ font-size: {big}pt; font-weight: 700; }}
    """
    )

    def __init__(self, context: AppContext, join_url: str, typed: str, room: str,
                 wifi: tuple[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(context)
        self.setWindowTitle(_("Play on phones"))
        self.join_url = join_url
        self.lobby_screen = self._build_lobby(join_url, typed, room, wifi)
        self.board_screen, self.board_box = self._build_board()
        self.end_screen.layout().addStretch(1)
        self.stack.addWidget(self.lobby_screen)
        self.stack.addWidget(self.board_screen)
        self.board_lines: list[QLabel] = []
        # How many answered, under the options; how to join stays in a corner for latecomers.
        self.answered_label = text_label("", "subtitle")
        column = self.question_screen.layout()
        column.addStretch(1)
        column.insertWidget(3, self.answered_label)
        self.join_hint = text_label(
            _("Join: {address} · room {code}").format(address=typed, code=spaced_code(room)),
            "counter",
        )
        column.insertWidget(1, self.join_hint)
        self.show_lobby(0)

    # -- building -------------------------------------------------------------------------
    def _build_lobby(self, join_url: str, typed: str, room: str, wifi) -> QWidget:
        """The join code beside the address and room code; with a Wi-Fi, two codes of the
        same size side by side — "1. the Wi-Fi", "2. the game" — and the rest below."""
        screen = QWidget()
        self.join_code = QrCode(minimum=300 if wifi is None else 240)
        self.join_code.set_modules(
            qr_modules(join_url), _("QR code of the address {address}").format(address=join_url)
        )
        self.address_label = text_label(typed, "address")
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.room_label = text_label(spaced_code(room), "roomcode", wrap=False)
        self.room_label.setAccessibleName(_("Room code {code}").format(code=room))
        self.joined_label = text_label("", "good")
        self.wifi_code: QrCode | None = None
        self.wifi_label: QLabel | None = None
        if wifi is None:
            row = QHBoxLayout(screen)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(32)
            row.addWidget(self.join_code, 3)  # the code first: it must read from the back
            column = QVBoxLayout()
            column.setSpacing(8)
            column.addWidget(text_label(_("Play on your phone"), "title"))
            column.addWidget(text_label(_("Scan the code with the phone's camera, or open:")))
            column.addWidget(self.address_label)
            column.addWidget(text_label(_("Room code:")))
            column.addWidget(self.room_label)
            column.addWidget(self.joined_label)
            column.addStretch(1)
            row.addLayout(column, 2)
            return screen

        name, payload = wifi
        # A grid keeps the two codes the same size, side by side.
        grid = QGridLayout(screen)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(40)
        grid.setVerticalSpacing(4)
        self.wifi_code = QrCode(minimum=240)
        self.wifi_code.set_modules(
            qr_modules(payload), _("QR code to join the Wi-Fi {name}").format(name=name)
        )
        grid.addWidget(text_label(_("1. Join the Wi-Fi"), "subtitle"), 0, 0)
        grid.addWidget(text_label(_("2. Scan to play"), "subtitle"), 0, 1)
        self.wifi_label = plain_label(name, "address")
        grid.addWidget(self.wifi_label, 1, 0)
        grid.addWidget(text_label(_("Scan the code with the phone's camera, or open:")), 1, 1)
        grid.addWidget(self.wifi_code, 2, 0)
        grid.addWidget(self.join_code, 2, 1)
        grid.setRowStretch(2, 1)
        grid.addWidget(self.joined_label, 3, 0, 2, 1, Qt.AlignmentFlag.AlignBottom)
        self.address_label.setWordWrap(False)
        grid.addWidget(self.address_label, 3, 1)
        code = QHBoxLayout()
        code.setSpacing(12)
        code.addWidget(text_label(_("Room code:"), wrap=False), 0, Qt.AlignmentFlag.AlignBaseline)
        code.addWidget(self.room_label, 0, Qt.AlignmentFlag.AlignBaseline)
        code.addStretch(1)
        grid.addLayout(code, 4, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return screen

    def refit(self) -> None:
        # The codes come first: they keep a set share of the window (a 29-module code at
        # 60 % of a 768-pixel height has 11-pixel modules), and the text fits around them.
        if self.stack.indexOf(self.lobby_screen) >= 0:
            room = self.contentsRect()
            if self.wifi_code is None:
                side = min(room.height() * 0.8, room.width() * 0.5)
            else:
                side = min(room.height() * 0.55, room.width() * 0.4)
                self.wifi_code.set_minimum(int(side))
            self.join_code.set_minimum(int(side))
        super().refit()

    def _fits(self) -> bool:
        # The group quiz only measures the height (its text wraps); the lobby's address and
        # room code do not wrap, so its width must fit too.
        room = self.contentsRect().width() - 2 * self.scroll_area.frameWidth()
        needed = self.content.layout().totalMinimumSize().width()
        return needed <= room and super()._fits()

    def _build_board(self) -> tuple[QWidget, QVBoxLayout]:
        screen = QWidget()
        column = QVBoxLayout(screen)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(text_label(_("Leaderboard"), "title"))
        box = QVBoxLayout()
        box.setSpacing(4)
        column.addLayout(box)
        column.addStretch(1)
        return screen, box

    # -- showing --------------------------------------------------------------------------
    def _fill_height(self, fill: bool) -> None:
        """The lobby takes the whole window (the QR code grows); other screens keep theirs."""
        column = self.content.layout()
        column.setStretch(0, 1 if fill else 0)
        column.setStretch(1, 0 if fill else 1)

    def _only_page(self, page: QWidget) -> None:
        """Keep only ``page`` in the stack: a stack measures as its biggest page (and its
        height for a width too), so the lobby's large code or a long question would make
        the leaderboard's text small. The other pages stay, hidden, for later."""
        self._fill_height(page is self.lobby_screen)
        if self.stack.indexOf(page) < 0:
            self.stack.addWidget(page)
        for position in reversed(range(self.stack.count())):
            other = self.stack.widget(position)
            if other is not page:
                self.stack.removeWidget(other)
                other.hide()
        self.stack.setCurrentWidget(page)

    def show_lobby(self, players: int) -> None:
        self._only_page(self.lobby_screen)
        self.set_players(players)
        self.refit()

    def set_players(self, players: int) -> None:
        text = ngettext("{n} person has joined", "{n} people have joined", players).format(
            n=format_number(players)
        )
        if self.joined_label.text() != text:
            self.joined_label.setText(text)
            self.joined_label.setAccessibleName(text)

    def show_question(self, question: Question, index: int, total: int) -> None:
        self._only_page(self.question_screen)
        self.set_answered(0, None)
        super().show_question(question, index, total)

    def set_answered(self, answered: int, players: int | None) -> None:
        if players:
            text = _("{answered} of {players} have answered").format(
                answered=format_number(answered), players=format_number(players)
            )
        else:
            text = ngettext("{n} person has answered", "{n} people have answered", answered)
            text = text.format(n=format_number(answered))
        if self.answered_label.text() != text:
            self.answered_label.setText(text)
            self.answered_label.setAccessibleName(text)

    def show_leaderboard(self, rows: tuple[tuple[str, int], ...]) -> None:
        for label in self.board_lines:
            label.setParent(None)
            label.deleteLater()
        self.board_lines = []
        for text in leaderboard_lines(rows):
            label = plain_label(text)
            self.board_box.addWidget(label)
            self.board_lines.append(label)
        self._only_page(self.board_screen)
        self.refit()

    def show_end(self, outcomes, leaderboard: tuple[tuple[str, int], ...] | None = None) -> None:
        """The results of each question, then the leaderboard's top five when it was chosen."""
        self._only_page(self.end_screen)
        super().show_end(outcomes)
        if leaderboard:
            self._end_line(_("Leaderboard"), "subtitle")
            for text in leaderboard_lines(leaderboard[:5]):
                label = plain_label(text)
                self.end_box.addWidget(label)
                self.end_lines.append(label)
            self.refit()


def leaderboard_lines(rows: tuple[tuple[str, int], ...]) -> list[str]:
    """ "1. Lan — 2.000 points", best first; the names as the players typed them."""
    if not rows:
        return [_("Nobody has points yet.")]
    return [
        _("{rank}. {name} — {points} points").format(
            rank=rank, name=name, points=format_number(points)
        )
        for rank, (name, points) in enumerate(rows, start=1)
    ]
