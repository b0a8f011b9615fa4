"""``skillsapp organiser …``: what only the person at this computer's command line may do.

skillsapp organiser setup-code              print a one-time code for the first organiser account
skillsapp organiser setup-code --write F    also write it to F (the Windows installer shows it)
skillsapp organiser setup-code --recover    every organiser password lost: a code to add one more

The app asks for this code when the first organiser account is made, so a resident who
opens Quản lý on a shared PC cannot make themselves the organiser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skillsapp.errors import ValidationError
from skillsapp.i18n import _, format_datetime
from skillsapp.paths import DataPaths, resolve_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Organiser accounts on this computer.")
    sub = parser.add_subparsers(dest="organiser_command", required=True)
    code = sub.add_parser(
        "setup-code", help=_("make a one-time code for creating the first organiser account")
    )
    code.add_argument(
        "--write", type=Path, metavar="FILE", help=_("also write the code to this file")
    )
    code.add_argument(
        "--recover",
        action="store_true",
        help=_("organiser accounts exist but every password is lost: add one more account"),
    )


def run(args: argparse.Namespace) -> int:
    from skillsapp.storage import open_store
    from skillsapp.storage.organisers import SETUP_CODE_TRIES, format_setup_code

    store = open_store(DataPaths(resolve_data_dir(args.data_dir)))
    try:
        if store.organisers.exist() and not args.recover:
            # Reinstalling or upgrading must not leave a working code behind.
            raise ValidationError(
                "setup_code",
                _(
                    "An organiser account already exists on this computer, so no setup code "
                    "is needed: an organiser signs in and adds the other accounts. If every "
                    "organiser password is lost, run “skillsapp organiser setup-code "
                    "--recover”: its code adds one more account."
                ),
            )
        code, expires = store.organisers.issue_setup_code()
    finally:
        store.close()
    lines = [
        _("Setup code for the first organiser account: {code}").format(
            code=format_setup_code(code)
        ),
        _(
            "It works once, until {expires}, and stops working after {n} wrong tries. "
            "In the app: Settings → For staff → Sign in as staff."
        ).format(expires=format_datetime(expires), n=SETUP_CODE_TRIES),
    ]
    text = "\n".join(lines) + "\n"
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    out = sys.stdout or _parent_console()
    if out is not None:
        out.write(text)
        out.flush()
    return 0


def _parent_console():
    """The packaged Windows program has no console of its own (``sys.stdout`` is None);
    when it was started from Command Prompt, write to that window instead."""
    if sys.platform != "win32":
        return None
    import ctypes

    attach_parent_process = -1
    if not ctypes.windll.kernel32.AttachConsole(attach_parent_process):  # type: ignore[attr-defined]
        return None  # started by the installer or by a double click: --write is the way
    try:
        return open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115 - lives until exit
    except OSError:
        return None


COMMAND = (add_arguments, run)
