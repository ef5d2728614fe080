"""jieba work for the app, done in another process: loading jieba's dictionary holds the
GIL for 0.3–1.5 s, which would freeze the screen even from a thread."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_SUGGEST = """import sys
from store.db import Store
from store.words import suggestion
with Store(sys.argv[2], create=False) as store:
    print(suggestion(sys.argv[1], store.conn) or '')
"""


def suggest_in_subprocess(query: str, db_path: Path, timeout: float = 30) -> str | None:
    """store.words.suggestion(query) against the database, run by a fresh Python process."""
    try:
        done = subprocess.run([sys.executable, "-c", _SUGGEST, query, str(db_path)], capture_output=True,
                              text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    suggestion = done.stdout.strip() if done.returncode == 0 else ""
    return suggestion or None


def fill_keywords_in_subprocess(db_path: Path) -> None:
    """Start `policy-review keywords` for the clauses just imported, and do not wait."""
    try:
        subprocess.Popen([sys.executable, "-m", "tui.cli", "keywords", "--db", str(db_path)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError:
        pass  # keywords stay pending; `policy-review keywords` fills them later
