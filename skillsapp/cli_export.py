"""``skillsapp export …``: a round's results to Excel, CSV or PDF, and certificates.

skillsapp export round --contest C --round R --format xlsx -o ket-qua.xlsx
skillsapp export round --contest C --round R --format csv -o thu-muc/vong-1
skillsapp export round --contest C --round R --format pdf -o bao-cao.pdf
skillsapp export round --contest C --round R --format certificates -o giay-khen.pdf
add --unmasked --organiser NAME to include full ID and phone numbers (the password
is asked for, or read from $SKILLSAPP_ORGANISER_PASSWORD; the export is audited)
"""

from __future__ import annotations

import argparse
import datetime
import getpass
import os
from pathlib import Path

from skillsapp.i18n import _
from skillsapp.paths import DataPaths, resolve_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Export contest results.")
    sub = parser.add_subparsers(dest="export_command", required=True)
    rnd = sub.add_parser("round", help=_("export a round's results"))
    rnd.add_argument("--contest", required=True)
    rnd.add_argument("--round", required=True)
    rnd.add_argument("--format", choices=["xlsx", "csv", "pdf", "certificates"], required=True)
    rnd.add_argument("-o", "--output", type=Path, required=True)
    rnd.add_argument(
        "--unmasked", action="store_true", help=_("include full ID and phone numbers (audited)")
    )
    rnd.add_argument("--organiser", help=_("organiser user name, needed with --unmasked"))
    programme = sub.add_parser(
        "programme-certificates",
        help=_("certificates for everyone who completed the basic programme"),
    )
    programme.add_argument("-o", "--output", type=Path, required=True)


def run(args: argparse.Namespace) -> int:
    from skillsapp.reports.round_export import UnmaskRefused, export_round
    from skillsapp.storage import open_store

    store = open_store(DataPaths(resolve_data_dir(args.data_dir)))
    if args.export_command == "programme-certificates":
        try:
            return _programme(store, args.output)
        finally:
            store.close()
    try:
        organiser = None
        if args.unmasked:
            if not args.organiser:
                raise UnmaskRefused(args.output)
            password = os.environ.get("SKILLSAPP_ORGANISER_PASSWORD") or getpass.getpass(
                _("Password: ")
            )
            if not store.organisers.verify(args.organiser, password):
                print(_("The user name or password is not right."))
                return 2
            organiser = args.organiser
        written = export_round(
            store,
            args.contest,
            args.round,
            args.format,
            args.output,
            datetime.datetime.now(datetime.UTC),
            unmasked=args.unmasked,
            organiser=organiser,
            progress=print,
        )
    finally:
        store.close()
    for path in written:
        print(_("Wrote {path}").format(path=path))
    return 0


def _programme(store, output: Path) -> int:
    from skillsapp.flows.summary import programme_completers
    from skillsapp.reports.certificate import programme_certificates

    people = programme_completers(store)
    if not people:
        print(_("No one on this computer has completed every lesson yet."))
        return 1
    programme_certificates(output, [(p.name, p.lessons) for p in people], datetime.date.today())
    print(_("Wrote {n} certificates to {path}.").format(n=len(people), path=output))
    return 0


COMMAND = (add_arguments, run)
