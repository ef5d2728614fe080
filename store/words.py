"""Chinese word segmentation with jieba: keywords per clause (TF-IDF) for the analysis
features, and looser query suggestions when a phrase finds nothing.

jieba is imported on first use only: loading its dictionary takes 0.3–1.5 s and holds the
GIL, so it must never run on the app's start-up path or in its UI process (the app asks a
helper process, see tui/segmenter.py).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pickle
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter, mul
from pathlib import Path

from store.db import Store
from store.errors import QueryError
from store.search import Query, count, parse_query

KEYWORDS_PER_CLAUSE = 8


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it prints "Building prefix dict..." otherwise
    _load_dictionary(jieba)
    return jieba


def _dictionary_cache() -> Path:
    import platformdirs

    version = getattr(__import__("jieba"), "__version__", "0")
    return platformdirs.user_cache_path("policy-review", appauthor=False) / f"jieba-{version}-dict.pickle"


def _load_dictionary(jieba) -> None:
    """jieba's own cache (marshal) still takes 1.3–1.5 s to load; the same dictionary
    pickled loads in about 0.3 s. The pickle is ours, written here, in the user's cache."""
    tokenizer = jieba.dt
    cached = _read_cache(_dictionary_cache())
    if cached is not None:
        tokenizer.FREQ, tokenizer.total = cached
        tokenizer.initialized = True
        return
    jieba.initialize()
    _write_cache(_dictionary_cache(), (tokenizer.FREQ, tokenizer.total))


def _read_cache(path: Path):
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError, AttributeError):
        return None


def _write_cache(path: Path, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass  # no cache folder: slower next time, nothing else


def segment(text: str) -> list[str]:
    """Words of a phrase: 降低社保费率 → 降低, 社保, 费率."""
    return [w for w in _jieba().lcut(text) if w.strip()]


def cut(text: str) -> list[str]:
    """The text cut into jieba's words, every character kept (joined, they are the text):
    for lining two clauses up word by word (store/compare.py)."""
    return _jieba().lcut(text, HMM=False)


def _short_words(text: str) -> list[str]:
    """jieba's segmentation using dictionary words of at most two characters, for runs of
    Chinese characters: 降低社保费率 → 降低, 社保, 费率 where the default cut gives 社保费, 率."""
    jieba = _jieba()
    words: list[str] = []
    for run in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", text):
        if not run:
            continue
        if not re.fullmatch(r"[\u3400-\u9fff\uf900-\ufaff]+", run):
            words.extend(segment(run))
            continue
        dag = {start: [end for end in ends if end - start < 2] or [start]
               for start, ends in jieba.dt.get_DAG(run).items()}
        route: dict = {}
        jieba.dt.calc(run, dag, route)
        start = 0
        while start < len(run):
            end = route[start][1] + 1
            words.append(run[start:end])
            start = end
    return [w for w in words if w.strip()]


MAX_SUGGESTED_WORDS = 12
"""A phrase split into more words than this gets no suggestion: a looser query of dozens of
words finds nothing more useful, and counting it costs time."""


def _candidates(parsed: Query) -> list[str]:
    """Looser queries, best first: every multi-character phrase split into jieba's words,
    then into words of at most two characters. Each is a valid query: punctuation between the
    words ('-' in a-b or 2099-2100年) is left out, repeated words are given once, and a word
    that would read as query syntax is quoted."""
    found: list[str] = []
    for splitter in (segment, _short_words):
        parts, changed = [], False
        for group in parsed.groups:
            if group.is_text and not group.negated and len(group.terms) == 1 and len(group.terms[0].value) >= 3:
                words = list(dict.fromkeys(_as_query_word(w) for w in splitter(group.terms[0].value)
                                           if not _is_punctuation(w)))
                if len(words) > 1 and len(words) <= MAX_SUGGESTED_WORDS:
                    parts.append(" ".join(words))
                    changed = True
                    continue
            parts.append(None)
        if not changed:
            continue
        tokens = parsed.source.split()
        if len(tokens) != len(parts):  # quoting or | made the source hard to rebuild: words only
            candidate = " ".join(p for p in parts if p)
        else:
            candidate = " ".join(p if p else t for p, t in zip(parts, tokens))
        if candidate not in found and _parses(candidate):
            found.append(candidate)
    return found


def _is_punctuation(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in word)


def _as_query_word(word: str) -> str:
    """A word as it can be written in a query: quoted when it would be read as syntax."""
    if word.startswith("-") or any(ch in word for ch in '"|:'):
        return '"' + word.replace('"', '""') + '"'
    return word


def _parses(query: str) -> bool:
    try:
        parse_query(query)
    except QueryError:
        return False
    return True


def suggestion(query: str | Query, conn: sqlite3.Connection | None = None, found_nothing: bool = False) -> str | None:
    """A looser query for a phrase query that found nothing: each multi-character phrase
    split into its words, which must then all occur (in any order).

    With a database connection: None when the query finds something already (not counted
    again when the caller says it `found_nothing`), else the first looser query that finds
    something (None when none does). Without one: the first candidate, unchecked (the caller
    knows the query found nothing)."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if not parsed.groups:
        return None
    if conn is not None and not found_nothing and count(conn, parsed, cap=1)[0]:
        return None
    candidates = _candidates(parsed)
    if conn is None:
        return candidates[0] if candidates else None
    for candidate in candidates:
        if count(conn, candidate, cap=1)[0]:
            return candidate
    return None


_STOP_WORDS = frozenset((
    "the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are", "by", "be", "as", "on", "with",
    "can", "if", "from", "which", "you", "it", "this", "then", "at", "have", "all", "not", "one", "has", "or",
))
"""jieba.analyse's stop words."""


def _idf_path() -> Path:
    """jieba's idf.txt, found without importing jieba (whose import is cheap, but whose
    dictionary is then loaded by the first cut)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:  # pragma: no cover - a broken install
        raise ImportError("jieba is not installed")
    return Path(spec.origin).parent / "analyse" / "idf.txt"


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median, read from jieba's idf.txt (cached like the
    dictionary). Importing jieba.analyse would do this too, but it also builds the
    part-of-speech model for TextRank: a second more, for nothing used here."""
    cache = _dictionary_cache().with_name(_dictionary_cache().name.replace("-dict.", "-idf."))
    cached = _read_cache(cache)
    if cached is not None:
        return cached
    idf: dict[str, float] = {}
    for line in _idf_path().read_text(encoding="utf-8").splitlines():
        word, _, value = line.strip().partition(" ")
        if word and value:
            idf[word] = float(value)
    median = sorted(idf.values())[len(idf) // 2]
    _write_cache(cache, (idf, median))
    return idf, median


class _Weights(dict):
    """word → its IDF where it can be a keyword, 0.0 where it cannot (one character,
    punctuation, a stop word): filled as words are met, so that a clause's words are weighed
    by dict lookups in C."""

    def __init__(self, idf: dict[str, float], median: float) -> None:
        super().__init__()
        self.idf, self.median = idf, median

    def __missing__(self, word: str) -> float:
        value = 0.0 if len(word.strip()) < 2 or word.lower() in _STOP_WORDS else self.idf.get(word, self.median)
        self[word] = value
        return value


@lru_cache(maxsize=1)
def _weights() -> _Weights:
    return _Weights(*_idf())


@lru_cache(maxsize=1)
def _cut() -> Callable[[str], list[str]]:
    """rjieba's cut: jieba's dictionary and algorithm (DAG, route, HMM for unknown words) in
    Rust, 15–20 times faster than jieba's; its keywords agree with jieba's on 99 % of the top
    five (bench/keywords_bench.py). Loads its dictionary in about 0.15 s on first use."""
    import rjieba

    return rjieba.cut


def _ranked(words: list[str]) -> tuple[list[tuple[str, float]], int]:
    """(word, count × IDF) of the words that can be keywords, best first (ties in the order
    the words first occur, as jieba.analyse.extract_tags sorts them), and how many words
    were counted."""
    weigh = _weights().__getitem__
    kept = list(filter(weigh, words))
    counts: dict[str, int] = dict.fromkeys(kept, 1)
    if len(counts) == len(kept):  # the usual case: no word twice
        scored = zip(counts, map(weigh, counts))
    else:
        counts = Counter(kept)
        scored = zip(counts, map(mul, counts.values(), map(weigh, counts)))
    return sorted(scored, key=itemgetter(1), reverse=True), len(kept)


def extract_keywords(text: str) -> list[tuple[str, float]]:
    """The clause's top words and their weights by TF-IDF, as jieba.analyse.extract_tags
    computes them."""
    ranked, total = _ranked(_cut()(text))
    return [(word, round(score / total, 4)) for word, score in ranked[:KEYWORDS_PER_CLAUSE]]


_SEPARATOR = "\x00"
"""Between clauses cut in one call: a character no stored text holds (store.untrusted.cleaned
makes control characters visible), which the segmenter returns as a word of its own."""


def clause_keywords(texts: list[str]) -> list[str]:
    """The stored form of each text's keywords: its top words by TF-IDF, best first,
    separated by spaces ('' when it has none). The texts are cut in one call."""
    words = _cut()(_SEPARATOR.join(texts))
    found, start = [], 0
    for _ in range(len(texts)):
        end = words.index(_SEPARATOR, start) if len(found) < len(texts) - 1 else len(words)
        ranked, _total = _ranked(words[start:end])
        found.append(" ".join(map(itemgetter(0), ranked[:KEYWORDS_PER_CLAUSE])))
        start = end + 1
    return found


def keyword_text(title: str, text: str) -> str:
    """What a clause's keywords are taken from."""
    return f"{title}\n{text}"


def fill_keywords(store: Store, batch: int = 2000, progress: Callable[[int, int], None] | None = None) -> int:
    """Extract keywords for every clause that has none yet, committing a batch at a time
    (an interrupted run loses nothing done before). Returns the number of clauses done."""
    conn = store.conn
    total = conn.execute("SELECT count(*) FROM clauses WHERE keywords IS NULL").fetchone()[0]
    done, last = 0, 0
    while done < total:
        rows = conn.execute("SELECT id, title, text FROM clauses WHERE id > ? AND keywords IS NULL ORDER BY id LIMIT ?",
                            (last, batch)).fetchall()
        if not rows:
            break
        found = clause_keywords([keyword_text(title, text) for _id, title, text in rows])
        with store.transaction() as tx:
            tx.executemany("UPDATE clauses SET keywords = ? WHERE id = ?",
                           [(words, row[0]) for words, row in zip(found, rows)])
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(done, total)
    return done
