"""``skillsapp info``: the version and where this installation keeps its files."""

from __future__ import annotations

import argparse

from skillsapp import __version__
from skillsapp.i18n import _
from skillsapp.paths import DataPaths, resolve_data_dir, resource_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = _("Show the version and where data, backups and logs are kept.")


def run(args: argparse.Namespace) -> int:
    paths = DataPaths(resolve_data_dir(args.data_dir))
    print(_("Version: {version}").format(version=__version__))
    print(_("Data: {path}").format(path=paths.root))
    print(_("Backups: {path}").format(path=paths.backups))
    print(_("Logs: {path}").format(path=paths.logs))
    print(_("Bundled content: {path}").format(path=resource_root() / "content"))
    return 0


COMMAND = (add_arguments, run)
