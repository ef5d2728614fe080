"""jieba work for the app, done in another process: loading jieba's dictionary holds the
GIL for 0.3–1.5 s, which would freeze the screen even from a thread."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
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


_CUTTER = """import json, sys
from store.words import cut
for line in sys.stdin:
    print(json.dumps([cut(text) for text in json.loads(line)], ensure_ascii=False), flush=True)
"""


class WordCutter:
    """jieba's words for the side-by-side view, from a helper process started when the view
    first asks and kept while it is open: its dictionary loads once there (0.3–1.5 s), then a
    pair of clauses is cut in milliseconds. Called from a worker thread; None when the helper
    cannot be had (the view compares characters then)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._closed = False
        self._lock = threading.Lock()

    def cut(self, texts: list[str]) -> list[list[str]] | None:
        with self._lock:
            if self._closed:
                return None
            try:
                process = self._process
                if process is None or process.poll() is not None:
                    process = self._process = subprocess.Popen(
                        [sys.executable, "-c", _CUTTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, text=True, encoding="utf-8", start_new_session=True)
                process.stdin.write(json.dumps(texts, ensure_ascii=False) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
                words = json.loads(line) if line else None
            except (OSError, ValueError):
                return None
        if not isinstance(words, list) or len(words) != len(texts):
            return None
        return words

    def close(self) -> None:
        """Stop the helper at once, without waiting for a cut under way (it then gives None):
        called as the view closes, on the UI thread."""
        self._closed = True
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()  # a killed process is reaped at once
