"""``skillsapp sync …``: enrol this PC, sync now, show status, write a USB transfer file.

skillsapp sync enrol URL CODE [--name "Nhà văn hóa thôn Đông"] [--ca-bundle FILE]
skillsapp sync now
skillsapp sync status
skillsapp sync export-usb FILE [--enrolment-code CODE]
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from skillsapp.i18n import _, format_datetime
from skillsapp.paths import DataPaths, resolve_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Send results to the provincial server.")
    sub = parser.add_subparsers(dest="sync_command", required=True)
    enrol = sub.add_parser("enrol")
    enrol.add_argument("url")
    enrol.add_argument("code")
    enrol.add_argument("--name", default="")
    enrol.add_argument("--ca-bundle")
    sub.add_parser("now")
    sub.add_parser("status")
    usb = sub.add_parser("export-usb")
    usb.add_argument("file", type=Path)
    usb.add_argument("--enrolment-code")


def run(args: argparse.Namespace) -> int:
    from skillsapp.storage import open_store
    from skillsapp.sync import runner
    from skillsapp.sync.transfer import export_transfer

    store = open_store(DataPaths(resolve_data_dir(args.data_dir)))
    now = datetime.datetime.now(datetime.UTC)
    try:
        if args.sync_command == "enrol":
            settings = runner.enrol(
                store, args.url, args.code, args.name or store.device_id[:8], args.ca_bundle
            )
            print(_("This PC is enrolled with {url}.").format(url=settings["url"]))
        elif args.sync_command == "now":
            report = runner.sync_now(store, now)
            print(
                _("Sent {sent} records ({dup} were already there); {rejected} refused.").format(
                    sent=report.sent, dup=report.duplicates, rejected=len(report.rejected)
                )
            )
            for line in report.refused:
                print(line)
        elif args.sync_command == "status":
            status = runner.status(store)
            if status.enrolled:
                print(_("Server: {url}").format(url=status.server_url))
            else:
                print(_("This PC is not connected to the province's server yet."))
                print(_("To connect it: skillsapp sync enrol SERVER_ADDRESS CODE"))
            print(_("Waiting to be sent: {n}").format(n=status.pending))
            if status.last_success:
                print(
                    _("Last successful sync: {when}").format(
                        when=format_datetime(status.last_success)
                    )
                )
            if status.last_problem:
                print(_("Last problem: {problem}").format(problem=status.last_problem))
        else:
            count = export_transfer(store, args.file, now, enrolment_code=args.enrolment_code)
            print(_("Wrote {n} records to {path}.").format(n=count, path=args.file))
    finally:
        store.close()
    return 0


COMMAND = (add_arguments, run)
