"""``skillsapp content …``: check, install, import and export content packs."""

from __future__ import annotations

import argparse

from skillsapp.i18n import _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Work with content packs.")
    parser.set_defaults(content_command=None)


def run(args: argparse.Namespace) -> int:
    print(_("Choose a content command."))
    return 2


COMMAND = (add_arguments, run)
