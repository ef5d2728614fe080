"""The files reviewers receive (tests/fixtures/formats: web pages, Word, old Word and WPS, PDF as
found in public repositories), read by their readers and parsed by the one core, against what a
careful reader finds in each (EXPECTED/*.outline, written by reading the files), or refused with
the reason a reader would give (EXPECTED/*.refuse)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import InputError
from store.parse import parse_file
from tests.outline_score import SetScore, score_file

FORMATS = Path(__file__).parent / "fixtures" / "formats"
EXPECTED = FORMATS / "EXPECTED"
OUTLINES = sorted(EXPECTED.glob("*.outline"))
REFUSALS = sorted(EXPECTED.glob("*.refuse"))

THRESHOLDS = {"depth1": 0.90, "depth2": 0.88, "titles": 0.97, "metadata": 0.70}
"""Lower than for text: a standard numbered 1 / 3.1 (pdf4) and the forms and tables of some
files are read by the labeller in ways the conventions leave open."""


def source_of(expected: Path) -> Path:
    return FORMATS / expected.name.rsplit(".", 1)[0]


@pytest.mark.slow
def test_every_readable_file_gives_the_structure_a_reader_finds():
    score = SetScore([score_file(outline, source_of(outline)) for outline in OUTLINES])
    assert len(score.files) == 19
    lost = "\n".join(f.line() for f in score.files if f.hit != f.expected or f.units[0] < f.units[1])
    for figure, least in THRESHOLDS.items():
        assert getattr(score, figure) >= least, f"{figure} {getattr(score, figure):.3f} < {least}\n{lost}"
    # Every unit a reader finds is found, in every file.
    assert all(f.units[0] == f.units[1] for f in score.files), lost


@pytest.mark.parametrize("expected", REFUSALS, ids=lambda p: p.name.split("_")[0])
def test_unreadable_pdfs_are_refused_for_the_reason_a_reader_gives(expected):
    reason = expected.read_text(encoding="utf-8").strip()
    with pytest.raises(InputError) as refused:
        parse_file(source_of(expected))
    message = str(refused.value)
    assert "\n" not in message
    key = reason.split(":")[0]  # "scanned PDF", "garbled text layer"
    assert all(word in message for word in key.replace("text layer", "").split()), (reason, message)


@pytest.mark.slow
def test_a_pdf_s_clauses_know_their_pages_and_its_tables_stay_tables():
    parsed = parse_file(FORMATS / "pdf2_high_pollution_fuel_catalogue.pdf")
    (doc,) = parsed.documents
    assert parsed.format == "pdf" and parsed.reader.startswith("pdfplumber")

    clauses = list(_leaves(doc.nodes))
    assert all(c.pages is not None for c in clauses)
    assert {c.pages[0] for c in clauses} == {1, 2, 3}  # the three pages
    tables = [c for c in clauses if c.rows is not None]
    assert tables and all(len(row) > 1 for table in tables for row in table.rows)
    # 表1 is cut by the page break after its Ⅱ类 row: one table, on pages 1–2.
    assert [(t.pages, [row[0] for row in t.rows]) for t in tables] == [
        ((1, 2), ["类别", "Ⅰ类", "Ⅱ类", "Ⅲ类"]), ((2, 2), ["燃料种类", "型煤", "焦炭", "兰炭"])]
    assert not any(c.label for c in tables)  # a table is a clause, never a heading


@pytest.mark.slow
def test_a_pdf_s_paragraphs_are_whole_though_its_lines_are_wrapped():
    """A run-in heading is the whole sentence up to its 。, and no clause keeps the line
    breaks of the page: the lines that reach the margin are joined, an indented line starts
    a new paragraph, a centred line closes the bracket the one above opened."""
    parsed = parse_file(FORMATS / "pdf2_high_pollution_fuel_catalogue.pdf")
    first = parsed.documents[0].nodes[0]
    assert (first.label, first.title) == ("一、", "为改善城市大气环境质量，根据全国人大常委会2015年8月29日修订通过的"
                                                "《中华人民共和国大气污染防治法》第三十八条规定，制定本目录")
    texts = [n.text for n in _leaves(parsed.documents[0].nodes) if n.rows is None and n.text]
    assert texts and not any("\n" in text for text in texts), texts
    law = parse_file(FORMATS / "pdf5_civil_code_2020.pdf").documents[0]
    assert law.date == "2020-05-28"  # from （2020年5月28日…通过，2021年1月1日开始施行）, two lines on the page


def _leaves(nodes):
    for node in nodes:
        yield from _leaves(node.children) if node.children else [node]


@pytest.mark.slow
def test_the_same_document_as_docx_and_as_pdf_gives_the_same_clauses():
    """docx4 and the PDF LibreOffice printed from it: the same titles, headings and clause texts
    (the PDF's clauses also know their pages)."""
    def clauses(name: str) -> list[tuple[str, str, str]]:
        parsed = parse_file(FORMATS / name)
        return [(doc.title, node.label, node.text) for doc in parsed.documents for node in _leaves(doc.nodes)]

    word = clauses("docx4_shanghai_insurance_exec_exam_measures.docx")
    pdf = clauses("pdf14_docx4_as_pdf_libreoffice.pdf")
    assert len(word) == 33 and pdf == word
