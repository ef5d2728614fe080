"""The real app in a real terminal (tmux), as a reviewer starts it: the installed
`policy-review` command, a filter typed key by key, the screen read back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tui_helpers import make_db

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]


class Terminal:
    """A tmux session on a private server, running one command."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True, check=check)

    def start(self, command: list[str], env: dict[str, str]) -> None:
        line = " ".join(f"'{part}'" for part in command)
        subprocess.run(["tmux", "-L", self.name, "new-session", "-d", "-s", self.name, "-x", "120", "-y", "36", line],
                       check=True, env=env)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{screen}")

    def wait_closed(self, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.tmux("has-session", "-t", self.name, check=False).returncode != 0:
                return True
            time.sleep(0.2)
        return False

    def kill(self) -> None:
        self.tmux("kill-server", check=False)


def _command() -> list[str]:
    script = Path(sys.executable).with_name("policy-review")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]


def test_filter_in_the_real_app(tmp_path):
    db = make_db(tmp_path / "e2e.db")
    terminal = Terminal(f"policy-review-e2e-{os.getpid()}")
    env = {**os.environ, "POLICY_REVIEW_CONFIG": str(tmp_path / "config.toml"), "POLICY_REVIEW_USER": "e2e",
           "TERM": "xterm-256color"}
    terminal.start([*_command(), "--db", str(db)], env)
    try:
        screen = terminal.wait_for("Provinces")
        assert "山西" in screen and "辽宁" in screen
        terminal.keys("/")
        time.sleep(0.3)
        terminal.keys("公积金", literal=True)
        screen = terminal.wait_for("filter: 公积金")
        assert "matches" in screen
        terminal.keys("Enter")
        screen = terminal.wait_for("matching")  # the clause pane now shows the matches only
        assert "公积金" in screen
        terminal.keys("q")
        assert terminal.wait_closed(), "q did not quit the app"
    finally:
        terminal.kill()
