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

pytestmark = [pytest.mark.e2e, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]


class Terminal:
    """A tmux session on a private server, running one command."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True, check=check)

    def start(self, command: list[str], env: dict[str, str], size: tuple[int, int] = (120, 36)) -> None:
        line = " ".join(f"'{part}'" for part in command)
        subprocess.run(["tmux", "-L", self.name, "new-session", "-d", "-s", self.name, "-x", str(size[0]),
                        "-y", str(size[1]), line], check=True, env=env)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))

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


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory) -> Path:
    return make_db(tmp_path_factory.mktemp("e2e") / "e2e.db")


@pytest.fixture
def app_in_tmux(samples_db, tmp_path):
    """Starts the real app in tmux on a copy of the samples; yields (terminal, start)."""
    db = tmp_path / "e2e.db"
    db.write_bytes(samples_db.read_bytes())
    terminal = Terminal(f"policy-review-e2e-{os.getpid()}-{tmp_path.name[-12:]}")
    env = {**os.environ, "POLICY_REVIEW_CONFIG": str(tmp_path / "config.toml"), "POLICY_REVIEW_USER": "e2e",
           "TERM": "xterm-256color"}

    def start(size: tuple[int, int] = (120, 36), extra_env: dict[str, str] | None = None) -> Terminal:
        terminal.start([*_command(), "--db", str(db)], {**env, **(extra_env or {})}, size)
        return terminal

    try:
        yield start
    finally:
        terminal.kill()


def test_filter_in_the_real_app(app_in_tmux):
    terminal = app_in_tmux()
    if True:
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


def _widest(screen: str) -> int:
    """The widest run of text inside a pane's borders."""
    return max((len(part.strip()) for line in screen.splitlines() for part in line.split("│")), default=0)


def test_enlarging_the_terminal_rewraps_at_once(app_in_tmux):
    terminal = app_in_tmux((100, 12))
    terminal.wait_for("1/73")
    terminal.keys("l")
    time.sleep(0.3)
    terminal.keys("G")  # the documents pane scrolled down, the first document out of sight
    time.sleep(0.5)
    before = terminal.screen()
    assert "关于印发忻州市" not in before, before
    terminal.resize(160, 45)
    time.sleep(1.0)  # no key pressed: the new size alone redraws
    after = terminal.screen()
    assert len(after.splitlines()) >= 44
    assert _widest(after) > _widest(before) + 15, after
    assert "关于印发忻州市" in after, after  # the first document is back on screen (no blank space above it)


@pytest.mark.parametrize("size", [(60, 24), (80, 24), (160, 45)])
def test_every_pane_is_reachable_at_any_width(app_in_tmux, size):
    terminal = app_in_tmux(size)
    screen = terminal.wait_for("Clauses")
    assert "营商环境" in screen
    terminal.keys("l", "l")
    time.sleep(0.5)
    screen = terminal.screen()
    assert "Clauses" in screen and _widest(screen) >= min(40, size[0] - 20), screen
    terminal.keys("h")
    time.sleep(0.5)
    assert "Documents" in terminal.screen() or "Docum" in terminal.screen()
    terminal.keys("q")
    assert terminal.wait_closed()
