"""``skillsapp serve`` and ``skillsapp server …``: run and manage the provincial server.

    skillsapp serve [--host 127.0.0.1] [--port 8765] [--server-dir D] [--database-url URL] [--workers N]
                    [--ingest-processes N]
    skillsapp server create-organiser NAME --role province|commune [--commune CODE]
    skillsapp server enrolment-code --organiser NAME [--commune CODE] [--days 7]   (1–30 days)
    skillsapp server organiser unlock NAME
    skillsapp server publish PACK_DIR
    skillsapp server revoke DEVICE_ID
    skillsapp server import-transfer FILE
    skillsapp server openapi -o docs/openapi.json

Passwords are asked for, or read from $SKILLSAPP_NEW_PASSWORD. The server needs
the ``server`` extra: ``pip install "skillsapp[server]"``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import tempfile
from pathlib import Path

from skillsapp.i18n import _


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server-dir", help=_("folder for the server's database, key and packs"))
    parser.add_argument(
        "--database-url", help=_("SQLAlchemy URL, e.g. postgresql+psycopg://user@host/kns")
    )


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Run the provincial server.")
    _common(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--ingest-processes",
        type=int,
        default=None,
        help=_(
            "processes per worker that verify PCs' batches at a lower priority, so organisers' "
            "pages stay quick under load (default 1; 0: the worker does it)"
        ),
    )


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Manage the provincial server.")
    _common(parser)
    sub = parser.add_subparsers(dest="server_command", required=True)
    create = sub.add_parser("create-organiser")
    create.add_argument("username")
    create.add_argument("--role", choices=["province", "commune"], required=True)
    create.add_argument("--commune")
    code = sub.add_parser("enrolment-code")
    code.add_argument("--organiser", required=True)
    code.add_argument("--commune")
    code.add_argument("--days", type=int, default=7)
    organiser = sub.add_parser("organiser")
    organiser_sub = organiser.add_subparsers(dest="organiser_command", required=True)
    unlock = organiser_sub.add_parser(
        "unlock", help=_("let an account locked after wrong passwords sign in again")
    )
    unlock.add_argument("username")
    publish = sub.add_parser("publish")
    publish.add_argument("pack", type=Path)
    revoke = sub.add_parser("revoke")
    revoke.add_argument("device_id")
    transfer = sub.add_parser("import-transfer")
    transfer.add_argument("file", type=Path)
    spec = sub.add_parser("openapi")
    spec.add_argument("-o", "--output", type=Path, required=True)


def _services(args: argparse.Namespace):
    try:
        from skillsapp.server.app import build_services
        from skillsapp.server.config import ServerConfig
    except ImportError as exc:
        raise SystemExit(
            _('The server is not installed. Install it with: pip install "skillsapp[server]"')
        ) from exc
    return build_services(ServerConfig.from_env(args.server_dir, args.database_url))


def run_serve(args: argparse.Namespace) -> int:
    # Read by ServerConfig.from_env, in every worker. ``serve`` runs a province's server:
    # one ingest process per worker unless told otherwise (ingest_processes.py).
    if args.ingest_processes is not None:
        os.environ["SKILLSAPP_INGEST_PROCESSES"] = str(args.ingest_processes)
    else:
        os.environ.setdefault("SKILLSAPP_INGEST_PROCESSES", "1")
    services = _services(args)
    import uvicorn

    from skillsapp.server.app import create_app

    os.environ.setdefault("SKILLSAPP_SERVER_DIR", str(services.config.data_dir))
    if args.database_url:
        os.environ["SKILLSAPP_DATABASE_URL"] = args.database_url
    # The server reads X-Forwarded-For itself, only from SKILLSAPP_TRUSTED_PROXIES
    # (skillsapp.server.sign_in_guard); uvicorn's own reading would trust any local caller.
    if args.workers > 1:  # each worker process tunes its collector in app_from_env
        # The workers hand each other their computed rankings in a folder made for this
        # run (rankings.share_in), removed when the server stops. It is in the server's
        # folder, beside its key and database: it holds the names the ranking pages show.
        from skillsapp.server.rankings import SHARE_DIR_ENV

        data_dir = services.config.data_dir
        with tempfile.TemporaryDirectory(prefix="rankings-", dir=data_dir) as shared:
            os.environ[SHARE_DIR_ENV] = shared
            uvicorn.run(
                "skillsapp.server.app:app_from_env",
                factory=True,
                host=args.host,
                port=args.port,
                workers=args.workers,
                proxy_headers=False,
            )
    else:
        from skillsapp.server import gc_settings

        app = create_app(services.config, services)
        gc_settings.tune()
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            proxy_headers=False,
        )
    return 0


def run_server(args: argparse.Namespace) -> int:
    from skillsapp.server.errors import ApiError

    services = _services(args)
    command = args.server_command
    if command == "create-organiser":
        password = os.environ.get("SKILLSAPP_NEW_PASSWORD") or getpass.getpass(_("Password: "))
        services.accounts.create_organiser(args.username, password, args.role, args.commune)
        print(_("Organiser {name} created.").format(name=args.username))
    elif command == "enrolment-code":
        from skillsapp.server.accounts import MAX_CODE_DAYS

        if not 1 <= args.days <= MAX_CODE_DAYS:
            print(
                _("--days must be from 1 to {most}: a code lives at most {most} days.").format(
                    most=MAX_CODE_DAYS
                )
            )
            return 2
        organiser = services.accounts.organiser(args.organiser)
        if organiser is None:
            print(_("No organiser is called {name}.").format(name=args.organiser))
            return 1
        print(services.accounts.create_enrolment_code(organiser, args.commune, args.days))
    elif command == "organiser":
        organiser = services.accounts.organiser(args.username)
        if organiser is None:
            print(_("No organiser is called {name}.").format(name=args.username))
            return 1
        was_locked = services.accounts.guard.unlock(organiser.username)
        services.accounts.audit(
            "cli", "unlock_sign_in", {"username": organiser.username, "was_locked": was_locked}
        )
        print(
            _("{name} can sign in again.").format(name=organiser.username)
            if was_locked
            else _("{name} was not locked; wrong tries forgotten.").format(name=organiser.username)
        )
    elif command == "publish":
        from skillsapp.content.install import PackRejected
        from skillsapp.server.publish import publish_pack

        try:
            manifest = publish_pack(
                services.engine, services.key, services.config.packs_dir, args.pack
            )
        except PackRejected as exc:  # the province publishes strictly: warnings refuse too
            print(_("The pack was not published; fix every problem below first:"))
            for problem in exc.problems:
                print(f"  {problem}")
            print(exc.summary)
            return 1
        print(_("Published {id} version {version}.").format(**manifest))
    elif command == "revoke":
        ok = services.accounts.revoke(args.device_id)
        print(_("Revoked.") if ok else _("No PC has that id."))
        return 0 if ok else 1
    elif command == "import-transfer":
        from skillsapp.server.transfer import import_transfer, read_limited

        try:
            with open(args.file, "rb") as handle:
                result = import_transfer(services, read_limited(handle))
        except ApiError as exc:
            print(exc.message)
            return 1
        print(
            _("New records: {new}; already received: {dup}; refused: {bad}.").format(
                new=len(result.accepted), dup=len(result.duplicates), bad=len(result.rejected)
            )
        )
    elif command == "openapi":
        from skillsapp.server.app import create_app

        spec = create_app(services.config, services).openapi()
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(args.output)
    return 0


SERVE_COMMAND = (add_serve_arguments, run_serve)
SERVER_COMMAND = (add_server_arguments, run_server)
