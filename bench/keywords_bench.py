#!/usr/bin/env python3
"""Keywords benchmark: how far rjieba's keywords agree with jieba's, and how fast each is.

    python bench/keywords_bench.py [--reps 3]

The clauses (title and text) of the five samples and of every real document in
tests/fixtures/corpus (parsed by store.parse) are given keywords twice: by jieba itself
(jieba.analyse.extract_tags, pure Python) and by store.words (rjieba's cut, jieba's IDF
table). For each clause, the share of jieba's top five that are among ours (top-5 overlap);
and the share of clauses whose eight keywords are the same, in the same order. Speeds are
million characters per second of segmentation alone (jieba.lcut, rjieba.cut) and clauses per
second of keyword extraction (extract_tags per clause; store.words.clause_keywords on all of
them at once), best of --reps, dictionaries loaded before.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sample_db import sample_files  # noqa: E402
from store.model import Node  # noqa: E402
from store.parse import parse_file  # noqa: E402
from store.words import KEYWORDS_PER_CLAUSE, clause_keywords, keyword_text  # noqa: E402

CORPUS = REPO / "tests" / "fixtures" / "corpus"
TOP = 5


def real_documents() -> list[Path]:
    """The samples and the real documents of the test corpus (not their outlines)."""
    return [*sample_files(), *sorted(p for p in CORPUS.rglob("*.txt") if "EXPECTED" not in p.parts)]


def clause_texts(paths: list[Path]) -> list[str]:
    def leaves(nodes: list[Node]):
        for node in nodes:
            if node.children:
                yield from leaves(node.children)
            else:
                yield keyword_text(node.title, node.text)

    return [text for path in paths for doc in parse_file(path).documents for text in leaves(doc.nodes)]


def agreement(texts: list[str]) -> dict:
    """Top-5 overlap with jieba's keywords (summed over clauses) and the share of identical lists."""
    import jieba.analyse

    ours = [words.split() for words in clause_keywords(texts)]
    shared = wanted = identical = 0
    for text, mine in zip(texts, ours):
        theirs = jieba.analyse.extract_tags(text, topK=KEYWORDS_PER_CLAUSE)
        wanted += len(theirs[:TOP])
        shared += len(set(theirs[:TOP]) & set(mine[:TOP]))
        identical += theirs == mine
    return {"clauses": len(texts), "top5_overlap": shared / wanted, "identical_share": identical / len(texts)}


def best(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    import jieba
    import jieba.analyse
    import rjieba

    paths = real_documents()
    texts = clause_texts(paths)
    chars = sum(map(len, texts))
    print(f"{len(paths)} documents, {len(texts)} clauses, {chars:,} characters")
    figures = agreement(texts)  # loads both dictionaries
    print(f"top-{TOP} overlap with jieba's keywords: {figures['top5_overlap']:.4f}; "
          f"identical lists of {KEYWORDS_PER_CLAUSE}: {figures['identical_share']:.4f}")
    jieba_cut = best(lambda: [jieba.lcut(t) for t in texts], 1)
    rjieba_cut = best(lambda: [rjieba.cut(t) for t in texts], args.reps)
    jieba_keywords = best(lambda: [jieba.analyse.extract_tags(t, topK=KEYWORDS_PER_CLAUSE) for t in texts], 1)
    our_keywords = best(lambda: clause_keywords(texts), args.reps)
    print(f"segmentation: jieba {chars / jieba_cut / 1e6:.2f} M chars/s, rjieba {chars / rjieba_cut / 1e6:.2f} M chars/s")
    print(f"keywords: jieba.analyse {len(texts) / jieba_keywords:,.0f} clauses/s, "
          f"store.words {len(texts) / our_keywords:,.0f} clauses/s ({jieba_keywords / our_keywords:.1f}×)")
    figures.update({
        "characters": chars,
        "jieba_cut_mchars_s": round(chars / jieba_cut / 1e6, 3),
        "rjieba_cut_mchars_s": round(chars / rjieba_cut / 1e6, 3),
        "jieba_keywords_clauses_s": round(len(texts) / jieba_keywords),
        "keywords_clauses_s": round(len(texts) / our_keywords),
        "top5_overlap": round(figures["top5_overlap"], 4),
        "identical_share": round(figures["identical_share"], 4),
    })
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
