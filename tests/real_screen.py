"""A real X screen for tests: Xvfb at a chosen size, optionally openbox, and the app in it.

The app runs as a resident would start it (``python -m skillsapp``) on Qt's xcb platform;
tests read the window's geometry and drive it with ``xdotool`` keys.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillsapp.ui.shell.app import FIRST_PAINT_ENV

TOOLS = ("Xvfb", "xdotool")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def x_screen(width: int, height: int, window_manager: bool) -> Iterator[dict[str, str]]:
    """Start Xvfb (and openbox) and yield the environment that points at it."""
    read, write = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = ":" + pipe.readline().strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    manager = None
    try:
        if window_manager:
            manager = subprocess.Popen(
                ["openbox", "--sm-disable"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_for(lambda: _has_wm(env), "openbox to manage the screen")
        yield env
    finally:
        for process in (manager, server):
            if process is not None:
                process.terminate()
                process.wait(10)


def _has_wm(env: dict[str, str]) -> bool:
    result = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True, text=True
    )
    return result.returncode == 0 and "window id" in result.stdout


def wait_for(condition, what: str, timeout: float = 30.0):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def start_app(env: dict[str, str], data_dir: Path, text_size: str) -> subprocess.Popen:
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = data_dir / "settings.json"
    if not settings.exists():
        settings.write_text(json.dumps({"version": 1, "text_size": text_size}), encoding="utf-8")
    # The app prints READY once its store is open and Home shows who is learning (the
    # benchmarks' marker): keys sent before that would reach a screen still being built.
    app = subprocess.Popen(
        [sys.executable, "-m", "skillsapp", "--data-dir", str(data_dir), "--lang", "vi"],
        env={**env, FIRST_PAINT_ENV: "1"},
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.ready = threading.Event()  # type: ignore[attr-defined]
    app.output = []  # type: ignore[attr-defined]  # what it printed, for a failure's report

    def read() -> None:
        for line in app.stdout:
            app.output.append(line)  # type: ignore[attr-defined]
            if line.strip() == "READY":
                app.ready.set()  # type: ignore[attr-defined]

    threading.Thread(target=read, daemon=True).start()
    return app


def xdotool(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def app_window(env: dict[str, str]) -> str:
    """The id of the app's visible main window, once it is mapped."""

    def find() -> str:
        ids = xdotool(env, "search", "--onlyvisible", "--name", "Kỹ Năng Số").split()
        return ids[-1] if ids else ""

    return wait_for(find, "the app's window")


def geometry(env: dict[str, str], window: str) -> dict[str, int]:
    """Where the window's client area is on the screen. xwininfo, not ``xdotool
    getwindowgeometry``, which counts a window manager's title bar twice."""
    text = subprocess.run(
        ["xwininfo", "-id", window], env=env, capture_output=True, text=True
    ).stdout
    values = {}
    for line in text.splitlines():
        key, _sep, value = line.strip().partition(":")
        values[key] = value.strip()
    return {
        "X": int(values["Absolute upper-left X"]),
        "Y": int(values["Absolute upper-left Y"]),
        "WIDTH": int(values["Width"]),
        "HEIGHT": int(values["Height"]),
    }


def screenshot(env: dict[str, str], path: Path) -> None:
    if shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(path)], env=env, check=False)
