"""``skillsapp content …``: check, install, list, remove, import and export packs.

skillsapp content check PATH
skillsapp content install PATH_OR_ZIP
skillsapp content list
skillsapp content remove PACK_ID
skillsapp content import FILE --pack DIR [--format gift|aiken|xlsx] [--topic T]
skillsapp content export DIR --format gift|xlsx -o FILE
skillsapp content template FILE.xlsx
"""

from __future__ import annotations

import argparse
from pathlib import Path

from skillsapp.i18n import _
from skillsapp.paths import DataPaths, resolve_data_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Work with content packs.")
    sub = parser.add_subparsers(dest="content_command", required=True)
    check = sub.add_parser("check", help=_("check a pack and list every problem"))
    check.add_argument("path", type=Path)
    check.add_argument(
        "--strict",
        action="store_true",
        help=_("treat every warning as an error (as the province does when publishing)"),
    )
    install = sub.add_parser("install", help=_("install or update a pack from a folder or .zip"))
    install.add_argument("path", type=Path)
    sub.add_parser("list", help=_("list installed packs"))
    remove = sub.add_parser(
        "remove", help=_("remove an installed pack (progress and results stay)")
    )
    remove.add_argument("pack_id")
    imp = sub.add_parser(
        "import", help=_("add the questions of a GIFT, Aiken or Excel file to a pack folder")
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--pack", type=Path, required=True)
    imp.add_argument("--format", choices=["gift", "aiken", "xlsx"])
    imp.add_argument("--topic")
    exp = sub.add_parser("export", help=_("write a pack's questions to GIFT or Excel"))
    exp.add_argument("path", type=Path)
    exp.add_argument("--format", choices=["gift", "xlsx"], required=True)
    exp.add_argument("-o", "--output", type=Path, required=True)
    template = sub.add_parser("template", help=_("write the blank Excel template for questions"))
    template.add_argument("file", type=Path)


def _check(args: argparse.Namespace) -> int:
    from skillsapp.content.checker import check_pack

    # Kept by fingerprint in the data folder, so installing the same files right after
    # does not read them again.
    cache = DataPaths(resolve_data_dir(args.data_dir)).read_packs
    report = check_pack(args.path, strict=args.strict, cache=cache, parallel=True)
    for problem in report.problems:
        print(problem)
    print(report.summary())
    return 0 if report.ok else 1


def _store(args: argparse.Namespace):
    from skillsapp.storage import open_store

    store = open_store(DataPaths(resolve_data_dir(args.data_dir)))
    for notice in store.notices:
        print(notice.message)
    return store


def _install(args: argparse.Namespace) -> int:
    from skillsapp.content.install import install_pack

    store = _store(args)
    try:
        result = install_pack(store, args.path, progress=print)
    finally:
        store.close()
    pack = result.pack
    if result.replaced_version:
        print(
            _("Updated {title} from version {old} to {new}.").format(
                title=pack.title, old=result.replaced_version, new=pack.version
            )
        )
    else:
        print(
            _("Installed {title}, version {version}.").format(
                title=pack.title, version=pack.version
            )
        )
    print(result.report.summary())
    return 0


def _list(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        rows = store.content.packs()
        if not rows:
            print(_("No content pack is installed."))
        for row in rows:
            print(f"{row['id']}  {row['version']}  {row['title']}")
    finally:
        store.close()
    return 0


def _remove(args: argparse.Namespace) -> int:
    from skillsapp.content.install import remove_pack

    store = _store(args)
    try:
        if store.content.pack_row(args.pack_id) is None:
            print(_("No installed pack has the id {id}.").format(id=args.pack_id))
            return 1
        remove_pack(store, args.pack_id)
    finally:
        store.close()
    print(
        _("Removed {id}. Learners' progress and contest results were kept.").format(id=args.pack_id)
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    from skillsapp.content.importer import import_into_pack

    outcome = import_into_pack(args.file, args.pack, args.format, args.topic)
    report = outcome.report
    print(_("Imported: {n} questions").format(n=len(report.imported)))
    if outcome.written_to:
        print(_("Written to: {path}").format(path=outcome.written_to))
    print(_("Skipped: {n}").format(n=len(report.skipped)))
    for line, reason in report.skipped:
        where = _("line or row {n}").format(n=line) if line else args.file.name
        print(f"  {where}: {reason}")
    if outcome.needs_explanation:
        print(
            _(
                "{n} imported questions have no explanation; add one before installing the pack: {ids}"
            ).format(
                n=len(outcome.needs_explanation), ids=", ".join(outcome.needs_explanation[:20])
            )
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    from skillsapp.content.importer import export_pack

    count = export_pack(args.path, args.format, args.output)
    print(_("Wrote {n} questions to {path}.").format(n=count, path=args.output))
    return 0


def _template(args: argparse.Namespace) -> int:
    from skillsapp.content.formats.xlsx import write_template

    write_template(args.file)
    print(_("Wrote the blank question template to {path}.").format(path=args.file))
    return 0


def run(args: argparse.Namespace) -> int:
    handlers = {
        "check": _check,
        "install": _install,
        "list": _list,
        "remove": _remove,
        "import": _import,
        "export": _export,
        "template": _template,
    }
    return handlers[args.content_command](args)


COMMAND = (add_arguments, run)
