"""The fast path of fold (str.replace for the frequent changes, the table only where another
character may change) gives exactly what the per-character table gives."""

from __future__ import annotations

import random

from sample_db import sample_files
from store.normalize import _FOLD, _MAY_FOLD_RE, _fold_characters, _frequent_folds


def test_every_character_the_fast_path_passes_over_folds_to_itself():
    kept = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and not _MAY_FOLD_RE.match(chr(c))]
    assert len(kept) > 27_000  # the CJK ideographs at least
    assert [ch for ch in kept if _FOLD[ord(ch)] != ch] == []


def test_the_frequent_changes_are_the_tables_and_fold_to_themselves():
    for old, new in _frequent_folds():
        assert new == (_FOLD[ord(old)] or "")
        assert all(_FOLD[ord(ch)] == ch for ch in new)  # folding again changes nothing


def test_fast_fold_equals_the_table_on_real_and_random_text():
    lines = [line for path in sample_files() for line in path.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(5)
    alphabet = [chr(c) for c in range(0x20, 0x3100)] + list("稅費資金鍊斷裂ＡＢＣ２５％\u200b\ufeff𠀀𝐀 ") + ["\uf900", "\u2028"]
    lines += ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(20_000)]
    for line in lines:
        assert _fold_characters(line) == line.translate(_FOLD), line
