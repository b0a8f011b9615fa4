"""Opening the app reads its options without importing every subcommand's module."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from skillsapp import cli


def test_the_quick_list_of_command_names_is_the_real_one():
    assert set(cli.COMMAND_NAMES) == set(cli._commands())


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--self-test"],
        ["--data-dir", "/tmp/kns data", "--lang", "en"],
        ["--data-dir=D", "--self-test", "--lang=vi"],
    ],
)
def test_app_options_read_alike_by_both_parsers(argv):
    quick = cli._app_arguments(argv)
    assert quick is not None
    assert vars(quick) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["info"],
        ["content", "check", "x"],
        ["--help"],
        ["--version"],
        ["--lang", "fr"],  # a mistake: the full parser says what is wrong
        ["--data-dir", "content"],  # a value that looks like a command: full parser decides
        ["contnt"],
    ],
)
def test_everything_else_goes_to_the_full_parser(argv):
    assert cli._app_arguments(argv) is None


def test_a_mistake_gets_the_full_parsers_message(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--lang", "fr"])
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_opening_the_app_does_not_import_the_subcommands(tmp_path):
    code = (
        "import sys\n"
        "import skillsapp.ui.shell.app as app\n"
        "app.run_app = lambda args: print(args.data_dir, args.self_test, args.command) or 0\n"
        "from skillsapp.cli import main\n"
        f"main(['--data-dir', {str(tmp_path)!r}, '--self-test'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('skillsapp.cli_')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.stdout.splitlines() == [f"{tmp_path} True None", "[]"]
