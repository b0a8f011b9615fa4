"""The ``skillsapp`` command. No subcommand opens the app; subcommands do the rest.

skillsapp                       open the app
skillsapp --data-dir D          open the app with its data in D
skillsapp info                  show version and where data lives
skillsapp content check PATH    validate a content pack
skillsapp organiser setup-code  a one-time code for the first organiser account
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from skillsapp import __version__
from skillsapp.errors import AppError
from skillsapp.i18n import _

# Subcommand modules register here: name -> (add_arguments, run).
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _commands() -> dict[str, Command]:
    from skillsapp import (
        cli_content,
        cli_export,
        cli_info,
        cli_organiser,
        cli_server,
        cli_sync,
    )

    return {
        "info": cli_info.COMMAND,
        "content": cli_content.COMMAND,
        "export": cli_export.COMMAND,
        "organiser": cli_organiser.COMMAND,
        "sync": cli_sync.COMMAND,
        "serve": cli_server.SERVE_COMMAND,
        "server": cli_server.SERVER_COMMAND,
    }


COMMAND_NAMES = ("info", "content", "export", "organiser", "sync", "serve", "server")


class _NotPlain(Exception):
    """The quick parser met something only the full parser answers (help, errors)."""


class _QuickParser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise _NotPlain(message)


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line. ``commands=False``: the app's own options only (no subcommand
    modules imported), used to open the window quickly."""
    cls = argparse.ArgumentParser if commands else _QuickParser
    parser = cls(prog="skillsapp", description=_("Kỹ Năng Số"))
    parser.add_argument("--version", action="version", version=f"skillsapp {__version__}")
    parser.add_argument("--data-dir", help=_("folder for this installation's data"))
    parser.add_argument("--lang", choices=["vi", "en"], help=_("language of the interface"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("open the store, load content, draw the window, exit"),
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command")
    for name, (add_arguments, _run) in _commands().items():
        add_arguments(sub.add_parser(name))
    return parser


def _app_arguments(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments when they only open the app (the usual start), read without importing
    every subcommand's module (~20-40 ms before the window shows); None otherwise, and the
    full parser answers (subcommands, --help, --version, mistakes: same messages)."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    if any(t in COMMAND_NAMES or t in ("-h", "--help", "--version") for t in tokens):
        return None
    try:
        return build_parser(commands=False).parse_args(tokens)
    except _NotPlain:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    args = _app_arguments(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    if args.lang:
        from skillsapp.i18n import set_language

        set_language(args.lang)
    if args.command is None:
        from skillsapp.ui.shell.app import run_app  # Qt is imported only for the window.

        return run_app(args)
    _add, run = _commands()[args.command]
    try:
        return run(args)
    except AppError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
