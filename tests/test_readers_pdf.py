"""The PDF reader on real files as received: what a reader of each file sees (its lines with
their pages, no page numbers or running heads, tables as rows, the layout's hints) and the
files it refuses, each with the reason, in one line."""

from __future__ import annotations

import re

import pytest

from store.errors import InputError
from store.parse import parse_file
from store.readers import Source, read_path
from store.readers.layout import PageKind, printed_page, refuse_unreadable
from tests._format_helpers import block, fixture, read, refusal


def lines(source: Source) -> list[str]:
    return [block.text for block in source.blocks if block.rows is None]


PAGE_NUMBER_RE = re.compile(r"^[-—－–\s]*(\d+|[IVXivx]+)[-—－–\s]*$|^第\s*\d+\s*页")


def assert_no_page_numbers(source: Source) -> None:
    assert not [text for text in lines(source) if PAGE_NUMBER_RE.match(text)]


# --------------------------------------------------------------------------- text PDFs


def test_a_short_attachment_reads_line_by_line_with_its_pages():
    source = read("pdf2")
    assert (source.format, source.paragraphs, source.warnings) == ("pdf", False, [])
    assert source.reader.startswith("pdfplumber ")
    assert lines(source)[:3] == ["附件", "高污染燃料目录", "一、为改善城市大气环境质量，根据全国人大常委会2015年8"]
    assert block(source, "止。").page == 3
    assert block(source, "（一）Ⅰ类").page == 2
    assert_no_page_numbers(source)
    # the printed numbers (— 3 — … — 5 —) are not the physical pages: it is cut from a longer file
    assert [printed_page(source.info["printed_pages"], page) for page in (1, 2, 3)] == ["3", "4", "5"]
    assert source.info["pages"] == "3" and source.info["date"] == "2017-04-01"
    assert "title" not in source.info  # the metadata title (刘义 处员) is not on the page


def test_lines_say_where_a_paragraph_goes_on_and_where_one_starts():
    source = read("pdf2")
    first, second, third = (block(source, text) for text in (
        "一、为改善城市大气环境质量，根据全国人大常委会2015年8",
        "月29日修订通过的《中华人民共和国大气污染防治法》第三十八条",
        "规定，制定本目录。"))
    assert {"indent", "continues"} <= first.style
    assert "continues" in second.style and "indent" not in second.style
    assert not {"indent", "continues"} & third.style
    assert {"title", "center"} <= block(source, "高污染燃料目录").style
    # a paragraph goes on over the page break: the last line of page 2 runs to the margin
    page_end = [b for b in source.blocks if b.page == 2][-1]
    assert "continues" in page_end.style and block(source, "油类等常规燃料。").page == 3


def test_a_small_table_comes_as_rows_and_its_cells_not_as_lines():
    source = read("pdf2")
    tables = [b for b in source.blocks if b.rows is not None]
    assert tables[-1].page == 2
    assert tables[-1].rows == [
        ["燃料种类", "含硫量(St,d)", "灰分(Ad)", "挥发分(Vdaf)"],
        ["型煤", "0.5%", "-", "12.0%"],
        ["焦炭", "0.5%", "10.0%", "5.0%"],
        ["兰炭", "0.5%", "10.0%", "10.0%"],
    ]
    assert tables[-1].text.splitlines()[1] == "型煤\t0.5%\t-\t12.0%"
    assert not [text for text in lines(source) if "兰炭" in text and "10.0%" in text]


@pytest.mark.slow
def test_a_regulation_with_a_long_table():
    source = read("pdf1")
    assert {"title", "center"} <= block(source, "国家危险废物名录（2021年版）").style
    assert block(source, "第八条 本名录自2021年1月1日起施行。原环境保护部、国").page == 2
    assert_no_page_numbers(source)
    assert printed_page(source.info["printed_pages"], 1) == "3"
    assert printed_page(source.info["printed_pages"], 33) == "35"
    tables = [b for b in source.blocks if b.rows is not None]
    # the table runs over pages 3–33: one block per page, each with the header row it repeats
    assert [t.page for t in tables] == list(range(3, 34))
    assert tables[0].rows[0] == ["废物类别", "行业来源", "废物代码", "危险废物", "危险特性1"]
    assert tables[0].rows[1] == ["HW01医疗废物2", "卫生", "841-001-01", "感染性废物", "In"]
    assert tables[0].rows[2][:3] == ["", "", "841-002-01"]  # vertically merged cells appear once
    assert tables[-1].rows[0] == ["序号", "废物类别/代码", "危险废物", "豁免环节", "豁免条件", "豁免内容"]
    assert not [text for text in lines(source) if "841-001-01" in text or "感染性废物" in text]
    assert block(source, "2.医疗废物分类按照《医疗废物分类目录》执行。").page == 25


@pytest.mark.slow
def test_a_table_over_24_landscape_pages_with_header_cells_broken_per_character():
    source = read("pdf3")
    tables = [b for b in source.blocks if b.rows is not None]
    assert len(tables) == 24 and [t.page for t in tables] == list(range(1, 25))
    assert tables[0].rows[0] == ["序号", "事项名称", "事项类别", "事项办理项目范围", "材料序号", "申请材料",
                                 "材料提供适用情形", "材料类型"]
    # punctuation in another font (E-BZ, glyph boxes half a line off) stays in its cell and place
    assert tables[0].rows[1][3] == ("《政府核准的投资项目目录(江西省)》(按最新版本执行,当前执行版本为2017年本,"
                                    "见赣府发〔2017〕7号文)中的项目需办理")
    assert lines(source) == ["附件1", "江西省投资项目“容缺审批+承诺制”办理模式事项清单"]
    assert printed_page(source.info["printed_pages"], 24) == "31"


def test_running_headers_and_roman_page_numbers_of_a_standard():
    source = read("pdf4")
    header = "GB 13801－2015"
    assert [b.page for b in source.blocks if b.text == header] == [1]  # on the cover, not as a running head
    assert_no_page_numbers(source)
    assert [printed_page(source.info["printed_pages"], p) for p in (1, 2, 3, 4, 8)] == [None, "I", "II", "1", "5"]
    assert [b.page for b in source.blocks if b.text == "火葬场大气污染物排放标准"] == [1, 4]
    assert "Emission standard of air pollutants for crematory" in lines(source)


def test_a_title_in_a_non_embedded_chinese_font():
    """FZXBSJW--GB1-0 with the GBK-EUC-H encoding, not embedded: decoded with pdfminer's CMaps."""
    source = read("pdf6")
    assert {"title", "center"} <= block(source, "广东省生态环境不予行政处罚的轻微违法行为目录").style
    tables = [b for b in source.blocks if b.rows is not None]
    assert [t.page for t in tables] == [1, 2, 3, 4, 5, 6]
    assert all(t.rows[0] == ["序号", "类别", "违法行为", "违反条款", "不予处罚的情节"] for t in tables)
    assert tables[0].rows[1][4] == ("同时满足下列情形的，不予行政处罚：（1）属于首次违法；"
                                    "（2）在责令改正期限内改正违法行为，危害后果轻微。")
    assert_no_page_numbers(source)


@pytest.mark.slow
def test_a_247_page_law():
    source = read("pdf5")
    assert source.info["pages"] == "247"
    assert lines(source)[0] == "中华人民共和国民法典"
    last = [b for b in source.blocks if b.text.startswith("第一千二百六十条")]
    assert [b.page for b in last] == [247]
    assert_no_page_numbers(source)
    assert printed_page(source.info["printed_pages"], 100) == "100"


def test_an_image_only_page_in_a_text_pdf_is_named_in_a_warning():
    source = read("pdf12")
    assert source.warnings == ["page 2 is an image without text (a scan or a picture): its content is not imported"]
    assert {b.page for b in source.blocks} == {1, 3, 4}
    assert block(source, "止。").page == 4


def test_pages_printed_sideways_read_in_the_direction_of_their_text():
    sideways, upright = read("pdf13"), read("pdf2")
    assert lines(sideways)[:14] == lines(upright)[:14]
    assert block(sideways, "止。").page == 3


def test_a_pdf_is_told_by_its_bytes_whatever_its_name(tmp_path):
    path = tmp_path / "附件.txt"
    path.write_bytes(fixture("pdf2").read_bytes())
    assert read_path(path).format == "pdf"


def test_the_parser_runs_on_the_blocks():
    parsed = parse_file(fixture("pdf2"))
    assert parsed.format == "pdf" and parsed.documents
    assert any(doc.nodes for doc in parsed.documents)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("prefix", ["pdf7", "pdf8"])
def test_scans_are_refused(prefix):
    assert refusal(fixture(prefix).read_bytes(), ".pdf") == "scanned PDF: no text layer; OCR it first"


def test_a_text_layer_with_digits_and_punctuation_mapped_to_wrong_characters_is_refused():
    assert refusal(fixture("pdf9").read_bytes(), ".pdf").startswith(
        "garbled PDF text layer: its digits and punctuation come out as wrong Chinese characters")


def test_the_garbled_rule_is_about_the_convention_not_one_file():
    """Chinese prose without one digit or punctuation mark is a broken font map, whatever the
    document: pdf2's own text passes, and fails once its marks become characters."""
    text = "".join(lines(read("pdf2")))
    kinds = [PageKind(1, len(text), 0.0, False)]
    refuse_unreadable(kinds, text, "PDF")
    # as in pdf9's fonts: every digit, Latin letter and punctuation mark drawn from a CJK code
    substitutes = {ord(ch): 0x5458 + ord(ch) % 64 for ch in set(text) if not "\u4e00" <= ch <= "\u9fff"}
    with pytest.raises(InputError, match="garbled PDF text layer"):
        refuse_unreadable(kinds, text.translate(substitutes), "PDF")


def test_a_pdf_that_needs_a_password_is_refused():
    assert refusal(fixture("pdf10").read_bytes(), ".pdf") == (
        "encrypted PDF: it needs a password to open; save or print an unprotected copy first")


def test_a_pdf_encrypted_only_against_copying_opens_as_in_any_viewer():
    assert lines(read("pdf11")) == lines(read("pdf2"))


@pytest.mark.parametrize("keep", [0.5, 0.95, -10])
def test_truncated_pdfs_are_refused(keep):
    data = fixture("pdf2").read_bytes()
    cut = data[:keep] if isinstance(keep, int) else data[:int(len(data) * keep)]
    assert refusal(cut, ".pdf") == "truncated PDF: the file ends before its end marker; download or copy it again"


def test_a_damaged_pdf_is_refused():
    data = fixture("pdf2").read_bytes()
    damaged = data[:1024] + bytes(len(data) - 2048) + data[-1024:]
    assert refusal(damaged, ".pdf").startswith("damaged PDF")
