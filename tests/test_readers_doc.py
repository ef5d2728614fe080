"""The old Word/WPS reader on real files as received: OA-generated files whose 文号 and title
are field results, chapters numbered only by list definitions, text in two pieces, tables;
and the bad files it refuses, in one line."""

from __future__ import annotations

import re
import struct

import pytest

from store.parse import parse_file
from store.readers import Source, read_path
from store.readers.listnumbers import format_number
from tests._format_helpers import fixture, read, refusal

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def texts(source: Source) -> list[str]:
    return [block.text for block in source.blocks if block.rows is None]


@pytest.mark.parametrize("prefix", ["doc1", "doc2", "doc3", "doc4", "doc5"])
def test_paragraphs_hold_text_only(prefix):
    source = read(prefix)
    assert (source.format, source.paragraphs) == ("doc", True)
    assert source.reader.startswith("olefile ")
    everything = "\n".join(block.text for block in source.blocks)
    assert not CONTROL_RE.search(everything.replace("\n", ""))
    assert "MERGEFIELD" not in everything and "PAGE" not in everything
    assert "\ufffd" not in everything


def test_the_doc_number_and_title_of_an_oa_file_come_from_field_results():
    lines = texts(read("doc1"))
    assert "浙银监发〔2018〕189号" in lines
    assert lines[2:4] == ["中国银监会浙江监管局关于印发浙江辖内商业银行", "“两会一层”成员履职评价办法（试行）的通知"]
    assert "附件：1. 商业银行“两会一层”成员履职情况评价体系表" in lines
    assert lines[lines.index("中国银监会浙江监管局") + 1] == "2018年9月11日"


def test_chapters_and_sections_numbered_by_word_lists_are_rendered():
    """第一章–第三章 and 第一节 exist only as list definitions; the others are typed."""
    headings = [text for text in texts(read("doc1")) if re.match(r"^第[一二三四五六七八九十]+[章节] ", text)]
    assert headings == ["第一章 总则", "第二章 评价职责分工", "第三章 评价原则", "第四章 评价内容", "第一节 董事评价内容",
                        "第二节 监事评价内容", "第三节 高管人员评价内容", "第五章 评价的方式和程序", "第六章 评价结果应用",
                        "第七章 监督管理", "第八章 附则"]
    assert {"center"} <= next(b for b in read("doc1").blocks if b.text == "第一章 总则").style
    assert texts(read("doc1"))[-5] == "第七十七条 本办法自印发之日起施行。"


def test_numbering_typed_in_the_text_is_kept_as_printed():
    lines = texts(read("doc2"))
    assert "丽银监发〔2014〕48号" in lines
    assert [text[:4] for text in lines if text.startswith(("（六）", "(五）"))] == ["(五）银", "（六）分", "（六）关"]
    assert lines[lines.index("中国银监会丽水监管分局") + 1] == "2014年11月11日"


def test_a_date_line_across_two_pieces_is_intact():
    lines = texts(read("doc3"))
    assert lines[0] == "上饶市2019年度考录人民警察体能测评通知"
    assert lines[-4:] == ["", "上饶市公安局政治部", "2019年7月3日", ""]


def test_word_tables_come_as_rows():
    source = read("doc4")
    tables = [block for block in source.blocks if block.rows is not None]
    assert [len(table.rows) for table in tables] == [18, 17]
    first = tables[0].rows
    assert first[0][0] == "浙江辖内银行机构“无证明化”改革指导目录（2020年）" and not any(first[0][1:])
    assert first[1] == ["序号", "证明材料", "开具单位", "证明用途", "设定依据", "取消后办理方式"]
    assert first[2][:4] == ["1", "工作证明", "个人所在单位", "证明客户资信、工作真实性情况等"]
    assert [row[0] for row in first[2:]] == [str(n) for n in range(1, 17)]
    assert tables[1].rows[-1][0].startswith("备注：")
    assert "浙银保监发〔2020〕172号" in texts(source)
    assert not [text for text in texts(source) if text.startswith("工作证明")]


def test_text_boxes_come_where_they_are_anchored():
    """The 版头 and the 文号 in text boxes, before the title, as on the printed page."""
    lines = [text for text in texts(read("doc5")) if text]
    assert lines[:3] == ["中国银监会嘉兴监管分局文件", "嘉银监发〔2017〕69号",
                         "中国银监会嘉兴监管分局关于进一步加强金融监管  推动银行业提升服务实体经济质效的意见"]
    assert lines[-2:] == ["中国银监会嘉兴监管分局", "2017年7月7日"]


def test_a_wps_file_is_told_by_its_bytes(tmp_path):
    path = tmp_path / "通知.wps"
    path.write_bytes(fixture("doc3").read_bytes())
    assert texts(read_path(path)) == texts(read("doc3"))


def test_the_parser_runs_on_the_blocks():
    parsed = parse_file(fixture("doc3"))
    assert parsed.format == "doc" and parsed.documents
    assert any(doc.nodes for doc in parsed.documents)


@pytest.mark.parametrize("n,fmt,label", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "japaneseCounting", "十一"),
    (20, "chineseCounting", "二十"), (105, "chineseCountingThousand", "一百零五"), (110, "chineseCounting", "一百一十"),
    (1260, "chineseCounting", "一千二百六十"), (3, "chineseLegalSimplified", "叁"), (2019, "ideographDigital", "二〇一九"),
    (4, "lowerRoman", "iv"), (3, "decimalEnclosedCircle", "③"), (27, "upperLetter", "AA"), (7, "decimal", "7"),
])
def test_word_number_formats(n, fmt, label):
    assert format_number(n, fmt) == label


# --------------------------------------------------------------------------- refusals


def test_an_empty_doc_is_refused():
    assert refusal(b"", ".doc") == "empty file: 0 bytes"


@pytest.mark.parametrize("keep", [0.3, 0.5, 0.8])
def test_a_truncated_doc_is_refused(keep):
    data = fixture("doc1").read_bytes()
    assert refusal(data[:int(len(data) * keep)], ".doc") == (
        "truncated Word file: it ends before its last part; download or copy it again")


def test_an_office_file_without_a_word_stream_is_refused():
    """An OLE file whose streams hold no Word text (a spreadsheet saved as .doc)."""
    data = fixture("doc3").read_bytes().replace("WordDocument".encode("utf-16-le"), "Workbook\0\0\0\0".encode("utf-16-le"))
    assert refusal(data, ".doc").startswith("not a Word document: an Office file without a Word text stream")
    assert refusal(data, ".xls").startswith("a spreadsheet or presentation")


def test_an_encrypted_doc_is_refused():
    data = bytearray(fixture("doc3").read_bytes())
    word = data.find(b"\xec\xa5\xc1\x00")  # the FIB: wIdent 0xA5EC, nFib 193
    flags = struct.unpack_from("<H", data, word + 0x0A)[0]
    struct.pack_into("<H", data, word + 0x0A, flags | 0x0100)
    assert refusal(bytes(data), ".doc") == "encrypted Word file: it needs a password to open; save an unprotected copy first"


def test_a_doc_in_a_format_the_reader_does_not_know_says_how_to_proceed(monkeypatch):
    """Word 6/95 and other unknown layouts go to antiword or LibreOffice where installed;
    without them the user is told to save the file as .docx."""
    monkeypatch.setattr("shutil.which", lambda name: None)
    data = bytearray(fixture("doc3").read_bytes())
    word = data.find(b"\xec\xa5\xc1\x00")
    struct.pack_into("<H", data, word, 0xA5DC)  # Word 6's wIdent
    assert refusal(bytes(data), ".doc").startswith("old Word/WPS file could not be read; save it as .docx")
