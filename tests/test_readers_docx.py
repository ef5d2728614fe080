"""The Word reader on real .docx files (tests/fixtures/formats/docx1–5, copied byte for byte
from ../shared/formats) and on small documents built here for what those files lack: the
paragraphs, tables and text boxes Word shows, automatic numbering rendered as Word renders it,
merged cells once, and one-line refusals for files that are not Word documents."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from store.errors import InputError
from store.readers import read_bytes, read_path
from store.readers.docx import format_number
from tests._format_helpers import FORMATS, refusal

DOCX1 = FORMATS / "docx1_ganjingzi_economic_award_rules.docx"
DOCX2 = FORMATS / "docx2_dalian_first_set_equipment_fund_measures.docx"
DOCX3 = FORMATS / "docx3_yichun_2016_civil_servant_selection_posts.docx"
DOCX4 = FORMATS / "docx4_shanghai_insurance_exec_exam_measures.docx"
DOCX5 = FORMATS / "docx5_moe_2022_teacher_program_midterm_list.docx"

CHAPTER_RE = re.compile(r"第[一二三四五六七八九十]+章")
ARTICLE_RE = re.compile(r"\s*第[一二三四五六七八九十百]+条")


def texts(path: Path) -> list[str]:
    return [block.text for block in read_path(path).blocks]


def chapters(path: Path) -> list[str]:
    return [text for text in texts(path) if CHAPTER_RE.match(text)]



# --------------------------------------------------------------------------- the real files


def test_docx1_chapter_labels_come_from_word_numbering():
    """总则, 组织领导, 审批程序 carry no label in their text: Word prints 第一章–第三章 from
    numbering.xml (japaneseCounting, 第%1章, a tab after it). 附则 is on a second list that
    starts at 1, so Word itself shows 第一章 there, where the document means 第八章."""
    assert chapters(DOCX1) == [
        "第一章\t总则", "第二章\t组织领导", "第三章\t审批程序", "第四章 奖金来源及奖励使用", "第五章 重大项目奖",
        "第六章 突出贡献奖", "第七章 创新创业奖", "第一章\t附则"]
    source = read_path(DOCX1)
    assert source.format == "docx" and source.paragraphs
    assert source.blocks[1].text.startswith("第一条 本细则对《甘井子区经济工作奖励暂行办法》")


def test_docx2_a_second_list_restarts_where_word_restarts_it():
    assert chapters(DOCX2) == [
        "第一章\t总则", "第二章 支持领域", "第三章 支持方式", "第四章 组织管理", "第一章\t申报审核",
        "第二章\t资金的核定和拨付", "第三章\t监督检查", "第八章 附则"]
    assert len([t for t in texts(DOCX2) if ARTICLE_RE.match(t)]) == 27


def test_docx3_caption_rows_and_merged_cells_once():
    blocks = read_path(DOCX3).blocks
    assert [b.text for b in blocks[:2]] == ["附件1：", "2016年宜春市市直机关遴选公务员（参照管理单位工作人员）职位表"]
    assert len(blocks) == 3 and blocks[2].is_table
    rows = blocks[2].rows
    assert {len(row) for row in rows} == {11}
    assert rows[0][:3] == ["序号", "部门名称", "职位\n名称"] and rows[0][7:10] == ["资格条件", "", ""]
    assert rows[1][7:10] == ["专业", "最低学历", "其他条件"]
    cells = [cell for row in rows for cell in row]
    assert cells.count("宜春市中级人民法院") == 1  # vertically merged over its three posts
    court = next(i for i, row in enumerate(rows) if row[1] == "宜春市中级人民法院")
    assert [rows[court + n][1] for n in (1, 2)] == ["", ""] and rows[court + 1][2] == "档案\n管理\n岗科员"
    header = blocks[2].text.splitlines()[0].split("\t")
    assert header[2] == "职位名称"  # a wrapped heading runs together in the text


def test_docx4_title_in_two_paragraphs_and_typed_chapters():
    blocks = read_path(DOCX4).blocks
    assert [(b.text, b.style) for b in blocks[:2]] == [
        ("上海保险分支机构高级管理人员", {"title", "center", "bold"}),
        ("任职资格考试管理办法", {"title", "center", "bold"})]
    assert blocks[2].text == "第一章  总 则" and blocks[2].style == {"center", "bold"}
    assert "indent" in blocks[3].style
    assert len(chapters(DOCX4)) == 7
    assert len([b for b in blocks if ARTICLE_RE.match(b.text)]) == 25


def test_docx5_three_tables_with_captions_between_and_no_footer():
    blocks = read_path(DOCX5).blocks
    assert [b.text for b in blocks if not b.is_table] == [
        "附件2", "2022年通过普通高等学校师范类专业认证中期审核的专业名单", "第三级认证", "第二级认证",
        "第二级认证（2016—2017年认证试点复评）"]
    assert "title" in blocks[1].style
    tables = [b for b in blocks if b.is_table]
    assert [len(t.rows) for t in tables] == [3, 35, 26]
    assert tables[0].rows[0] == ["序号", "学校名称", "专业名称", "层次", "专业类别", "中期审核结论", "有效期开始时间",
                                 "有效期截止时间"]
    assert tables[0].rows[1][:3] == ["1", "北京师范大学", "汉语言文学"]
    assert not any("PAGE" in b.text or b.text == "5" for b in blocks)


# --------------------------------------------------------------------------- documents built here

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (f'xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
              'xmlns:v="urn:schemas-microsoft-com:vml" '
              'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')


def docx(body: str, numbering: str = "", extra: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f'<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>')
        if numbering:
            archive.writestr("word/numbering.xml", f"<w:numbering {NAMESPACES}>{numbering}</w:numbering>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def para(text: str, num: tuple[int, int] | None = None, ppr: str = "", rpr: str = "", runs: str = "") -> str:
    """A paragraph: `num` (numId, ilvl), paragraph and run properties, runs before the text."""
    num_pr = f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else ""
    return (f"<w:p><w:pPr>{num_pr}{ppr}</w:pPr>{runs}"
            f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')


def abstract(abstract_id: int, *levels: tuple[str, str, str]) -> str:
    """levels: (numFmt, lvlText, suff)."""
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suff}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text, suff) in enumerate(levels))
    return f'<w:abstractNum w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'


def num(num_id: int, abstract_id: int, restart_at: int | None = None) -> str:
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
                if restart_at else "")
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'


SECTIONS = ["总体要求", "主要任务", "保障措施", "组织实施", "监督检查", "宣传引导", "考核评估", "资金管理", "风险防控",
            "信息公开", "附则", "其他事项"]


def test_chinese_counting_and_nested_levels_as_word_shows_them():
    numbering = abstract(0, ("chineseCounting", "%1、", "nothing"), ("chineseCountingThousand", "（%2）", "nothing"),
                         ("decimal", "%3.", "nothing"), ("decimalEnclosedCircle", "%4", "nothing")) + num(1, 0)
    body = "".join(para(title, (1, 0)) for title in SECTIONS[:10])
    body += para("加强组织领导。", (1, 1)) + para("落实工作责任。", (1, 1)) + para("市级部门。", (1, 2))
    body += para("县级部门。", (1, 2)) + para("乡镇街道。", (1, 3)) + para("村社区。", (1, 3))
    body += para("附则", (1, 0)) + para("本意见自印发之日起施行。", (1, 1))
    assert [b.text for b in read_bytes(docx(body, numbering), ".docx").blocks] == [
        "一、总体要求", "二、主要任务", "三、保障措施", "四、组织实施", "五、监督检查", "六、宣传引导", "七、考核评估",
        "八、资金管理", "九、风险防控", "十、信息公开", "（一）加强组织领导。", "（二）落实工作责任。", "1.市级部门。",
        "2.县级部门。", "①乡镇街道。", "②村社区。", "十一、附则", "（一）本意见自印发之日起施行。"]


def test_two_lists_of_one_definition_continue_and_start_override_restarts():
    numbering = abstract(0, ("chineseCounting", "第%1条", "space")) + num(1, 0) + num(2, 0) + num(3, 0, restart_at=1)
    body = para("为了规范管理，制定本办法。", (1, 0)) + para("本办法适用于本市。", (2, 0))
    body += para("附件所列事项按本办法执行。", (3, 0)) + para("本办法自发布之日起施行。", (3, 0))
    assert [b.text for b in read_bytes(docx(body, numbering), ".docx").blocks] == [
        "第一条 为了规范管理，制定本办法。", "第二条 本办法适用于本市。", "第一条 附件所列事项按本办法执行。",
        "第二条 本办法自发布之日起施行。"]


def test_numbering_from_the_paragraph_style():
    styles = (f'<w:styles {NAMESPACES}><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>')
    numbering = abstract(0, ("chineseCounting", "第%1章", "tab")) + num(1, 0)
    body = "".join(f'<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>' for t in ("总则", "附则"))
    blocks = read_bytes(docx(body, numbering, {"word/styles.xml": styles}), ".docx").blocks
    assert [(b.text, b.style) for b in blocks] == [("第一章\t总则", {"heading", "numbered"}), ("第二章\t附则", {"heading", "numbered"})]


def test_fields_keep_their_result_and_drop_their_instruction():
    runs = ('<w:r><w:t>文号：</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText> MERGEFIELD outgoingNo \\* MERGEFORMAT </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>丽银监发〔2014〕48号</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    body = f"<w:p>{runs}</w:p>" + para("各银行业金融机构：")
    assert [b.text for b in read_bytes(docx(body), ".docx").blocks] == ["文号：丽银监发〔2014〕48号", "各银行业金融机构："]


def test_text_boxes_once_hidden_and_deleted_text_never():
    box = ('<w:txbxContent><w:p><w:r><w:t>某某市人民政府文件</w:t></w:r></w:p></w:txbxContent>')
    drawing = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
               f'<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
               f'</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>'
               '</mc:Fallback></mc:AlternateContent></w:r>')
    hidden = '<w:r><w:rPr><w:vanish/></w:rPr><w:t>（内部批注）</w:t></w:r>'
    deleted = '<w:del><w:r><w:delText>旧的文号</w:delText></w:r></w:del>'
    body = f"<w:p>{drawing}</w:p>" + para("各区县人民政府：", runs=hidden + deleted)
    assert [b.text for b in read_bytes(docx(body), ".docx").blocks] == ["某某市人民政府文件", "各区县人民政府："]


def test_style_hints():
    centred = '<w:jc w:val="center"/>'
    body = (para("某某市人民政府文件", ppr=centred, rpr='<w:color w:val="FF0000"/><w:sz w:val="100"/>')
            + para("关于加强安全生产工作的通知", ppr=centred, rpr='<w:sz w:val="44"/>')
            + para("各区县人民政府：")
            + para("一、总体要求", rpr="<w:b/>")
            + para("　　按照省政府部署，现就有关事项通知如下。", ppr='<w:ind w:firstLineChars="200" w:firstLine="640"/>')
            + para("某某市人民政府", ppr='<w:jc w:val="right"/>'))
    assert [(b.text, b.style) for b in read_bytes(docx(body), ".docx").blocks] == [
        ("某某市人民政府文件", {"red", "center"}), ("关于加强安全生产工作的通知", {"title", "center"}),
        ("各区县人民政府：", set()), ("一、总体要求", {"bold"}),
        ("　　按照省政府部署，现就有关事项通知如下。", {"indent"}), ("某某市人民政府", {"right"})]


@pytest.mark.parametrize("n,fmt,label", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (21, "chineseCountingThousand", "二十一"), (100, "chineseCountingThousand", "一百"),
    (101, "chineseCountingThousand", "一百零一"), (110, "chineseCountingThousand", "一百一十"),
    (1260, "chineseCountingThousand", "一千二百六十"), (1001, "chineseCountingThousand", "一千零一"),
    (101, "japaneseCounting", "百一"), (110, "japaneseCounting", "百十"), (23, "japaneseCounting", "二十三"),
    (3, "ideographTraditional", "丙"), (12, "decimalEnclosedCircle", "⑫"), (28, "upperLetter", "BB"),
    (4, "upperRoman", "IV"), (7, "decimalFullWidth", "７"), (3, "chineseLegalSimplified", "叁"),
    (10, "ideographDigital", "一〇"), (5, "decimalZero", "05"),
])
def test_word_number_formats(n, fmt, label):
    assert format_number(n, fmt) == label


# --------------------------------------------------------------------------- refusals


def test_a_zip_named_docx_is_refused(tmp_path):
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "附件")
    path = tmp_path / "附件1.docx"
    path.write_bytes(other.getvalue())
    with pytest.raises(InputError) as info:
        read_path(path)
    assert str(info.value) == "not a Word document: the zip holds no word/document.xml"


def test_a_damaged_docx_is_refused():
    truncated = DOCX1.read_bytes()[:6000]
    assert refusal(truncated, ".docx") == "damaged Word document: not a readable zip file"
    data = bytearray(DOCX1.read_bytes())
    member = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    middle = member.header_offset + 30 + len(member.filename) + member.compress_size // 2
    data[middle:middle + 16] = bytes(16)
    assert refusal(bytes(data), ".docx") == "damaged Word document: cannot unpack word/document.xml"
    cut = io.BytesIO()
    with zipfile.ZipFile(cut, "w") as archive:
        archive.writestr("word/document.xml", f'<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>未闭合')
    assert refusal(cut.getvalue(), ".docx") == "damaged Word document: word/document.xml is not well-formed XML"


def test_a_document_nested_too_deeply_is_refused():
    nested = "<w:sdt><w:sdtContent>" * 5000 + para("各区县人民政府：") + "</w:sdtContent></w:sdt>" * 5000
    assert refusal(docx(nested), ".docx") == "damaged Word document: its content is nested too deeply to read"


def test_a_pasted_scan_is_refused():
    picture = ("<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData/></a:graphic></wp:inline></w:drawing>"
               "</w:r></w:p>")
    assert refusal(docx(picture * 3), ".docx") == "Word file holds only images: no text; OCR it first"
    assert refusal(docx("<w:p/>"), ".docx") == "Word document with no text"


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "通知.docx"
    path.write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_path(path)
    assert str(info.value) == "empty file: 0 bytes"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (65 * 2**20))
    assert len(bomb.getvalue()) < 2**20
    assert refusal(bomb.getvalue(), ".docx") == "damaged Word document: word/document.xml unpacks to more than 64 MB"
