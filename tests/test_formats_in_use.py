"""What a reviewer sees of a file's format once it is imported: a PDF clause cited with the
page it is printed on, a table shown as rows of cells (in `show`, in the app, in the briefing
note), and where in the source a clause can be checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from store.db import Store
from store.export import ExportSpec, render
from store.importer import import_paths
from tests._store_helpers import run_cli
from tests.tui_helpers import make_app, screen_text, settle

PDF = "pdf2_high_pollution_fuel_catalogue.pdf"
FORMATS = Path(__file__).parent / "fixtures" / "formats"

pytestmark = pytest.mark.slow


@pytest.fixture
def pdf_db(tmp_path):
    source = tmp_path / PDF
    shutil.copy(FORMATS / PDF, source)
    path = tmp_path / "review.db"
    with Store(path) as store:
        (result,) = import_paths(store, [source])
        assert result.status == "imported", result.message
        assert "PDF document, 3 pages" in result.message
        table = store.conn.execute(
            "SELECT id FROM clauses WHERE rows IS NOT NULL AND instr(text, '挥发分') ORDER BY sort_key").fetchone()[0]
    return path, table


def test_show_gives_the_format_the_pages_and_the_rows_of_a_table(pdf_db, tmp_path):
    path, table = pdf_db
    run = run_cli(tmp_path, "--db", str(path), "show", str(table), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["format"], data["pages"]) == ("pdf", "第4页")  # physical page 2, printed — 4 —
    assert data["reader"].startswith("pdfplumber")
    assert data["rows"][0] == ["燃料种类", "含硫量(St,d)", "灰分(Ad)", "挥发分(Vdaf)"]
    assert "第4页" in data["citation"]

    printed = run_cli(tmp_path, "--db", str(path), "show", str(table)).stdout
    assert "燃料种类 │ 含硫量(St,d) │ 灰分(Ad) │ 挥发分(Vdaf)" in printed
    assert "\t" not in printed
    assert f"{PDF}, 第4页 (PDF document, read by pdfplumber" in printed.replace("\n", "")


def test_the_briefing_note_quotes_a_table_as_a_table(pdf_db):
    path, table = pdf_db
    with Store(path) as store:
        note = render(store.conn, ExportSpec(clause_ids=[table], date="2024-05-01"))
    html = MarkdownIt("commonmark").enable("table").render(note.markdown)
    assert "<th>燃料种类</th>" in html and "<td>型煤</td>" in html
    assert "第4页" in note.markdown


async def test_the_clause_pane_draws_a_table_row_by_row(pdf_db, tmp_path, app_env):
    path, _table = pdf_db
    app = make_app(path, tmp_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        for key in "型煤":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot, app)
        shown = screen_text(app)
    assert "型煤 │ 0.5% │ - │ 12.0%" in shown
