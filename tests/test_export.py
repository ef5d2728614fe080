"""Briefing notes: the golden output of the default template, escaping that survives a
CommonMark renderer, grouping, user templates, safe file writing and the command line.

The golden file tests/fixtures/golden/briefing.md is the note for a fixed selection of sample
clauses (chosen by phrase, see GOLDEN_CLAUSES) with fixed date and reviewer. After a wanted
change of the format, regenerate it with

    UPDATE_GOLDEN=1 pytest tests/test_export.py -k golden

and read the diff before committing it: it is the reference of what a note looks like.
"""

from __future__ import annotations

import html
import os
import re
import stat
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from store import annotations, export, selection
from store.db import Store
from store.errors import PolicyReviewError
from store.export import ExportSpec, parse_template, render
from store.importer import import_paths
from store.search import search
from tests._store_helpers import assert_one_line_error, clause_with, run_cli, samples_store

GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "briefing.md"
MD = MarkdownIt("commonmark")

GOLDEN_CLAUSES = {
    "liaoning-19": "降低企业社保缴费比例，采取综合措施补充资金缺口",
    "liaoning-20": "完善住房公积金制度，规范和阶段性适当降低企业住房公积金缴存比例",
    "shanghai-11": "研究調整優化地方教育費附加",
    "shanghai-news": "今年企業繳納的職工社會保險費率下調2.5個百分點",
    "xinzhou-19": "推行企业开办“0.5天”“零成本”",
    "jilin-29": "失业保险费率由3％降到2％",
    "gansu-8": "实施稳岗政策支持",
}


def annotate_golden(store: Store) -> dict[str, int]:
    conn = store.conn
    ids = {name: clause_with(conn, phrase) for name, phrase in GOLDEN_CLAUSES.items()}
    who = "审阅人甲"
    annotations.add_tags(store, [ids["liaoning-19"], ids["liaoning-20"], ids["jilin-29"]], ["社保"], who)
    annotations.add_tags(store, [ids["liaoning-19"]], ["降成本"], who)
    annotations.add_tags(store, [ids["xinzhou-19"]], ["营商环境"], who)
    annotations.set_status(store, [ids["liaoning-19"]], "adopted", who)
    annotations.set_status(store, [ids["shanghai-11"]], "flagged", who)
    annotations.set_status(store, [ids["xinzhou-19"]], "reviewed", who)
    annotations.set_note(store, ids["liaoning-19"], "与国家口径一致。", who)
    annotations.set_note(store, ids["shanghai-11"], "繁体原文；*地方* 权限 [待核]\n第二行", who)
    return ids


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory):
    store = samples_store(tmp_path_factory.mktemp("export") / "golden.db")
    ids = annotate_golden(store)
    yield store, ids
    store.close()


def golden_spec(ids: dict[str, int], **changes) -> ExportSpec:
    # given in an order other than reading order: the note puts them in reading order
    return ExportSpec(clause_ids=sorted(ids.values(), reverse=True), date="2024-05-01", reviewer="审阅人甲",
                      title="降成本政策摘编", **changes)


# --------------------------------------------------------------------------- reading notes back


def strip_tags(fragment: str) -> str:
    fragment = re.sub(r"<br\s*/?>\s*", "\n", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def blockquotes(markdown: str) -> list[list[str]]:
    """The paragraphs of every blockquote of the rendered note, as plain text."""
    rendered = MD.render(markdown)
    quotes = re.findall(r"<blockquote>\n(.*?)</blockquote>", rendered, re.S)
    return [[strip_tags(p) for p in re.findall(r"<p>(.*?)</p>", quote, re.S)] for quote in quotes]


def headings(markdown: str) -> list[tuple[int, str]]:
    return [(int(level), strip_tags(text)) for level, text in re.findall(r"<h(\d)>(.*?)</h\1>", MD.render(markdown))]


def list_items(markdown: str) -> list[str]:
    return [strip_tags(item) for item in re.findall(r"<li>(.*?)</li>", MD.render(markdown), re.S)]


# --------------------------------------------------------------------------- golden output


def test_golden_briefing_note(golden_db):
    store, ids = golden_db
    note = render(store.conn, golden_spec(ids))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(note.markdown, encoding="utf-8")
    assert note.markdown == GOLDEN.read_text(encoding="utf-8")
    assert (note.clause_count, note.document_count) == (7, 6)


def test_golden_note_structure(golden_db):
    """What the golden file shows, stated independently of it: province → document →
    clause headings in reading order, the original wording quoted, and the citations."""
    store, ids = golden_db
    markdown = render(store.conn, golden_spec(ids)).markdown
    heads = headings(markdown)
    assert heads[0] == (1, "降成本政策摘编")
    assert [text for level, text in heads if level == 2] == ["山西省 忻州市", "辽宁省", "吉林省", "上海市", "甘肃省"]
    assert [text for level, text in heads if level == 3] == [
        "《忻州市“十四五”“六最”营商环境建设规划》",
        "《辽宁省降低实体经济企业成本工作实施方案》",
        "《附件4 关于降成本的实施意见》",
        "《上海市職工社保費率下調2.5%最新消息》",
        "《關于推進供給側結構性改革促進工業穩增長調結構促轉型的實施意見》",
        "《甘肃省工业领域去产能去库存降成本实施方案》",
    ]
    assert [text for level, text in heads if level == 4] == [
        "第三章第五节19", "五、（十九）", "五、（二十）", "二、（四）29", "第3段", "二、(四)11", "二、（二）8"]
    # every clause quoted exactly as stored, traditional characters kept
    conn = store.conn
    quoted = blockquotes(markdown)
    assert len(quoted) == 7
    by_id = {cid: (label + title, text) for cid, label, title, text in conn.execute(
        f"SELECT id, label, title, text FROM clauses WHERE id IN ({','.join(map(str, ids.values()))})")}
    order = [ids[name] for name in ("xinzhou-19", "liaoning-19", "liaoning-20", "jilin-29", "shanghai-news",
                                    "shanghai-11", "gansu-8")]
    for paragraphs, cid in zip(quoted, order):
        heading, text = by_id[cid]
        assert paragraphs == [line for line in [heading, *text.split("\n")] if line]
    assert any("研究調整優化地方教育費附加" in line for line in quoted[5])
    # citations name the document, the path, the 文号 and the date
    assert "— 《忻州市“十四五”“六最”营商环境建设规划》，第三章第五节19，忻政发〔2021〕21号，2021-10-21" in markdown
    assert "— 《辽宁省降低实体经济企业成本工作实施方案》，五、（十九），2016-11-08" in markdown
    # annotations under their clause
    items = list_items(markdown)
    assert "标签：社保、降成本" in items and "状态：采纳" in items and "备注：与国家口径一致。" in items
    assert "备注：繁体原文；*地方* 权限 [待核]\n第二行" in items
    assert "日期：2024-05-01" in items and "审阅人：审阅人甲" in items and "条款数：7" in items
    assert "范围：指定条款" in items


# --------------------------------------------------------------------------- escaping

CRAFTED = """关于*测试*特殊字符的_通知_

一、强调
本条含有星号*强调*和下划线_强调_，以及竖线|分隔、波浪线~~删除~~和**加粗**。
二、标签
本条引用了<b>粗体</b>标签、反引号`代码`、链接[x](y)、自动链接<http://example.com>和图片![i](j)。
三、符号
本条含有反斜杠\\和\\*转义，实体&amp;、&#20013;、&lt;以及美元$符号和$title占位符，末尾反斜杠\\
四、行首
# 看似标题的一行
> 看似引用的一行
- 看似列表项
+ 加号开头
* 星号开头
=== 等号开头
--- 减号开头
| 表格 | 开头 |
<div>看似HTML块</div>
[ref]: http://example.com
五、编号
1. 看似编号列表
六、另一种编号
1) 看似另一种编号
"""

CRAFTED_LINES = {
    "一、强调": ["本条含有星号*强调*和下划线_强调_，以及竖线|分隔、波浪线~~删除~~和**加粗**。"],
    "二、标签": ["本条引用了<b>粗体</b>标签、反引号`代码`、链接[x](y)、自动链接<http://example.com>和图片![i](j)。"],
    "三、符号": ["本条含有反斜杠\\和\\*转义，实体&amp;、&#20013;、&lt;以及美元$符号和$title占位符，末尾反斜杠\\"],
    "四、行首": ["# 看似标题的一行", "> 看似引用的一行", "- 看似列表项", "+ 加号开头", "* 星号开头", "=== 等号开头",
               "--- 减号开头", "| 表格 | 开头 |", "<div>看似HTML块</div>", "[ref]: http://example.com"],
    "1.看似编号列表": [],
    "1)看似另一种编号": [],
}


@pytest.fixture
def crafted(tmp_path):
    source = tmp_path / "crafted.txt"
    source.write_text(CRAFTED, encoding="utf-8")
    store = Store(tmp_path / "crafted.db")
    assert import_paths(store, [source])[0].status == "imported"
    ids = [row[0] for row in store.conn.execute("SELECT id FROM clauses ORDER BY sort_key")]
    yield store, ids
    store.close()


def test_clause_text_renders_exactly_as_written(crafted):
    store, ids = crafted
    note = render(store.conn, ExportSpec(clause_ids=ids, date="2024-05-01"))
    quoted = blockquotes(note.markdown)
    expected = [[heading, *lines] for heading, lines in CRAFTED_LINES.items()]
    assert quoted == expected
    heads = headings(note.markdown)
    assert (3, "《关于*测试*特殊字符的_通知_》") in heads
    assert "— 《关于*测试*特殊字符的_通知_》，四、" in strip_tags(MD.render(note.markdown))
    # nothing became a list, a heading, a rule, a table, code, a link or an image
    rendered = MD.render(note.markdown)
    for tag in ("<ol", "<em>", "<strong>", "<code>", "<a ", "<img", "<hr", "<b>", "<div>", "<pre>"):
        assert tag not in rendered, tag


@pytest.mark.parametrize("line", [
    "    四个空格开头的一行", "\t制表符开头", "===", "---", "***", "___", "- - -", "1. 一", "1) 一", "12345. 数字",
    "# 标题", "#标题", "> 引用", "+ 加号", "* 星号", "<b>标签</b>", "<!-- 注释 -->", "&amp; &copy; &#169;",
    "`代码`", "``", "[x](y)", "![i](j)", "[x]: y", "\\", "\\*", "a\\b", "行尾两个空格  ", "~~~", "```",
    "|a|b|", "$body $title ${date}", "http://example.com", "<http://example.com>", "*", "_下划线_",
])
def test_quote_survives_commonmark(line):
    """Lines the parser would not let through (four leading spaces, bare === or --- lines)
    are escaped too: what quote() is given, the reader sees (surrounding spaces aside)."""
    for text in (line, f"第一行\n{line}", f"{line}\n第二行"):
        markdown = "# 标题\n\n" + export.quote(text) + "\n"
        expected = [part.strip() for part in text.split("\n") if part.strip()]
        assert blockquotes(markdown) == [expected], (text, markdown)


def test_notes_tags_and_title_are_escaped(crafted):
    store, ids = crafted
    annotations.set_note(store, ids[0], "*要点* <i>斜体</i> [链接](x)\n# 第二行\n1. 第三行 `代码` \\ &amp;", "alice")
    annotations.add_tags(store, [ids[0]], ["a_b*c", "<标签>"], "alice")
    note = render(store.conn, ExportSpec(clause_ids=ids[:1], date="2024-05-01", reviewer="<审阅> *人*",
                                         title="*重要* <摘编> #1"))
    items = list_items(note.markdown)
    assert "备注：*要点* <i>斜体</i> [链接](x)\n# 第二行\n1. 第三行 `代码` \\ &amp;" in items
    assert "标签：<标签>、a_b*c" in items
    assert "审阅人：<审阅> *人*" in items
    assert headings(note.markdown)[0] == (1, "*重要* <摘编> #1")


# --------------------------------------------------------------------------- grouping


def test_group_by_document(golden_db):
    store, ids = golden_db
    heads = headings(render(store.conn, golden_spec(ids, group_by="document")).markdown)
    assert [text for level, text in heads if level == 2][:2] == ["《忻州市“十四五”“六最”营商环境建设规划》",
                                                             "《辽宁省降低实体经济企业成本工作实施方案》"]
    assert len([1 for level, _ in heads if level == 2]) == 6
    assert len([1 for level, _ in heads if level == 3]) == 7
    assert not [1 for level, _ in heads if level == 4]


def test_group_by_tag(golden_db):
    store, ids = golden_db
    markdown = render(store.conn, golden_spec(ids, group_by="tag")).markdown
    heads = headings(markdown)
    groups = [text for level, text in heads if level == 2]
    assert groups == ["社保", "营商环境", "降成本", export.NO_TAG]
    # clause headings under each tag: 社保 has three, 降成本 one, and the untagged three
    sections, current = {}, None
    for level, text in heads:
        if level == 2:
            current = text
        elif level == 4:
            sections.setdefault(current, []).append(text)
    assert sections == {
        "社保": ["五、（十九）", "五、（二十）", "二、（四）29"],
        "营商环境": ["第三章第五节19"],
        "降成本": ["五、（十九）"],
        export.NO_TAG: ["第3段", "二、(四)11", "二、（二）8"],
    }
    assert len(blockquotes(markdown)) == 8  # the clause with two tags is in both groups


def test_unknown_grouping_is_an_error(golden_db):
    store, ids = golden_db
    with pytest.raises(PolicyReviewError, match="--group-by is province, document, tag or counterparts"):
        render(store.conn, golden_spec(ids, group_by="date"))


# --------------------------------------------------------------------------- choosing clauses


def test_query_tags_status_and_selection_combine(golden_db):
    store, ids = golden_db
    conn = store.conn

    def chosen(**kwargs) -> list[int]:
        return export.choose_clauses(conn, ExportSpec(**kwargs))

    tax = [hit.clause_id for hit in search(conn, "税", limit=1 << 62).hits]
    assert chosen(query="税") == tax
    assert set(chosen(tags=["社保"])) == {ids["liaoning-19"], ids["liaoning-20"], ids["jilin-29"]}
    assert chosen(tags=["社保", "降成本"]) == [ids["liaoning-19"]]
    assert chosen(status="flagged") == [ids["shanghai-11"]]
    assert chosen(query="缴存", tags=["社保"]) == [ids["liaoning-20"]]
    with pytest.raises(PolicyReviewError, match="say what to export"):
        chosen()
    with pytest.raises(PolicyReviewError, match="unknown status"):
        chosen(status="done")
    with pytest.raises(PolicyReviewError, match="unbalanced quote"):
        chosen(query='"税')


def test_tags_with_quotes_and_spaces_can_be_exported(tmp_db):
    conn = tmp_db.conn
    clauses = [hit.clause_id for hit in search(conn, "融资", limit=3).hits]
    annotations.add_tags(tmp_db, clauses[:2], ['他说"好"', "待 核实"], "alice")
    assert sorted(export.choose_clauses(conn, ExportSpec(tags=['他说"好"']))) == sorted(clauses[:2])
    assert sorted(export.choose_clauses(conn, ExportSpec(tags=["待 核实"], query="融资"))) == sorted(clauses[:2])
    note = render(conn, ExportSpec(tags=['他说"好"'], group_by="tag", date="2024-05-01"))
    assert [text for level, text in headings(note.markdown) if level == 2] == ["他说\"好\"", "待 核实"]


def test_export_of_the_selection(tmp_db):
    conn = tmp_db.conn
    picked = [hit.clause_id for hit in search(conn, "公积金", limit=4).hits]
    for clause in picked:
        selection.toggle(tmp_db, clause)
    spec = ExportSpec(selection=True, date="2024-05-01")
    assert sorted(export.choose_clauses(conn, spec)) == sorted(picked)
    note = render(conn, spec)
    assert note.clause_count == 4 and len(blockquotes(note.markdown)) == 4
    assert "范围：已选条款" in list_items(note.markdown)
    spec = ExportSpec(selection=True, query="住房", date="2024-05-01")
    housing = {hit.clause_id for hit in search(conn, "住房", limit=1 << 62).hits}
    assert set(picked) - housing and set(picked) & housing
    assert sorted(export.choose_clauses(conn, spec)) == sorted(set(picked) & housing)


def test_nothing_matching_gives_an_empty_note_that_says_so(tmp_db):
    note = render(tmp_db.conn, ExportSpec(query="没有这样的词组啊", date="2024-05-01"))
    assert note.clause_count == 0
    assert "（没有符合条件的条款）" in note.markdown and "条款数：0" in note.markdown


# --------------------------------------------------------------------------- user templates

USER_TEMPLATE = """<!-- note -->
TITLE=$title DATE=$date BY=$reviewer SCOPE=$filter N=$count COST=$$5

$body
<!-- group -->
$heading 组：$group
<!-- document -->
$heading 文：$document ($document_meta)
<!-- clause -->
- id=$clause_id path=$path label=$label title=$title
  doc=$document no=$doc_number date=$date issuer=$issuer place=$province/$region
  text=$text
  tags=$tags status=$status note=$note unknown=$nothing
"""


def test_a_user_template_is_filled_and_escaped(tmp_path, crafted):
    store, ids = crafted
    annotations.set_note(store, ids[0], "注意_下划线_", "alice")
    annotations.add_tags(store, [ids[0]], ["重*点"], "alice")
    annotations.set_status(store, [ids[0]], "flagged", "alice")
    template_file = tmp_path / "house.md"
    template_file.write_text(USER_TEMPLATE, encoding="utf-8")
    template = export.load_template(template_file)
    note = render(store.conn, ExportSpec(clause_ids=ids[:1], date="2024-05-01", reviewer="甲_乙", title="T*"),
                  template=template)
    markdown = note.markdown
    assert markdown.startswith("TITLE=T\\* DATE=2024-05-01 BY=甲\\_乙 SCOPE=指定条款 N=1 COST=$5\n")
    assert "## 组：未知" in markdown or "## 组：" in markdown
    assert "### 文：《" not in markdown and "### 文：关于\\*测试\\*特殊字符的\\_通知\\_ (" in markdown
    clause_line = next(line for line in markdown.splitlines() if line.startswith("- id="))
    assert clause_line == f"- id={ids[0]} path=一、 label=一、 title=强调"
    assert "  text=本条含有星号\\*强调\\*和下划线\\_强调\\_，以及竖线\\|分隔、波浪线\\~\\~删除\\~\\~和\\*\\*加粗\\*\\*。" in markdown
    assert "  tags=重\\*点 status=存疑 note=注意\\_下划线\\_ unknown=$nothing" in markdown
    # and what it renders to is the text as written
    rendered = strip_tags(MD.render(markdown))
    assert "text=本条含有星号*强调*和下划线_强调_，以及竖线|分隔、波浪线~~删除~~和**加粗**。" in rendered


INJECTION_TEMPLATE = """<!-- note -->
$body
<!-- clause -->
备注：$note | 标签：$tags | 标题：$title | 文件：$document

$quote
"""


def test_no_template_field_can_start_a_line_or_carry_a_control_character(tmp_path):
    """Values an old database (or another tool) wrote raw: a carriage return in a note and a
    tag, a form feed and a line separator in a title, ESC sequences in the clause text."""
    store = samples_store(tmp_path / "raw.db")
    conn = store.conn
    clause = clause_with(conn, "全面推开营改增试点，确保所有行业税负只减不增")
    annotations.set_note(store, clause, "x", "alice")
    annotations.add_tags(store, [clause], ["重点"], "alice")
    conn.execute("UPDATE annotations SET note = ? WHERE clause_id = ?", ("ok\r# INJECTED\x1b]0;pwned\x07", clause))
    conn.execute("UPDATE tags SET name = ?", ("t\r- 列表",))
    conn.execute("UPDATE clauses SET title = ?, text = text || ? WHERE id = ?",
                 ("标题\u2028## 注入\f", "\r> 引用\x1b[2J\x9b31m", clause))
    conn.execute("UPDATE documents SET title = title || ? WHERE id = (SELECT document_id FROM clauses WHERE id = ?)",
                 ("\r# 文件注入", clause))
    for template in (export.parse_template(INJECTION_TEMPLATE), None):
        markdown = render(conn, ExportSpec(clause_ids=[clause]), template=template).markdown
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", markdown), repr(markdown)
        rendered = MD.render(markdown)
        titles = [strip_tags(h) for h in re.findall(r"<h\d>(.*?)</h\d>", rendered)]
        assert not any(t.startswith(("INJECTED", "注入", "文件注入", "#")) for t in titles), titles
        assert "<li>列表" not in rendered and "<blockquote>\n<p>引用" not in rendered
        assert "# INJECTED␛]0;pwned␇" in strip_tags(rendered)  # as text, the controls visible
    store.close()


def test_a_template_may_give_only_the_note_part(golden_db):
    store, ids = golden_db
    template = parse_template("<!-- note -->\n# 自定义 $title\n\n$body\n")
    markdown = render(store.conn, golden_spec(ids), template=template).markdown
    assert markdown.startswith("# 自定义 降成本政策摘编\n")
    assert len(blockquotes(markdown)) == 7  # the default parts for the rest


@pytest.mark.parametrize("text, message", [
    ("# 没有标记\n$body\n", "a template starts with a <!-- note --> line"),
    ("<!-- note -->\n# 没有正文\n", "must contain $body"),
])
def test_broken_templates_are_explained(text, message):
    with pytest.raises(PolicyReviewError, match=re.escape(message)):
        parse_template(text)


def test_template_file_errors(tmp_path):
    with pytest.raises(PolicyReviewError, match="no such template file"):
        export.load_template(tmp_path / "missing.md")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PolicyReviewError, match="cannot read the template"):
        export.load_template(binary)


def test_the_documented_template_works(golden_db, tmp_path):
    """docs/export.md holds a complete example template: it parses, and every placeholder
    the doc lists is known to the renderer."""
    store, ids = golden_db
    doc = (Path(__file__).resolve().parent.parent / "docs" / "export.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```markdown\n(.*?)```", doc, re.S)
    example = next(block for block in blocks if "<!-- note -->" in block and "<!-- clause -->" in block)
    markdown = render(store.conn, golden_spec(ids), template=parse_template(example)).markdown
    assert "$" not in markdown.replace("$$", "")  # every placeholder was filled
    assert len(blockquotes(markdown)) == 1 + 7  # its header block, then one per clause
    assert export.DEFAULT_TEMPLATE in blocks  # the doc shows the default template as it is
    listed = set(re.findall(r"^\| `\$(\w+)` \|", doc, re.M))
    assert {"title", "body", "quote", "citation", "clause_id", "annotation_lines"} <= listed


# --------------------------------------------------------------------------- writing files


def test_no_clobber_and_force(tmp_path):
    target = tmp_path / "note.md"
    export.write_note(target, "第一版\n")
    with pytest.raises(PolicyReviewError, match="exists already; use --force"):
        export.write_note(target, "第二版\n")
    assert target.read_text(encoding="utf-8") == "第一版\n"
    export.write_note(target, "第二版\n", force=True)
    assert target.read_text(encoding="utf-8") == "第二版\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.md"]


def test_a_written_note_gets_ordinary_permissions(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    note = tmp_path / "note.md"
    export.write_note(note, "内容\n")
    assert note.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
    note.chmod(0o640)
    export.write_note(note, "新内容\n", force=True)
    assert note.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("failure", ["replace", "fsync", "interrupt"])
def test_a_failed_write_leaves_the_target_untouched_and_no_temporary_file(tmp_path, monkeypatch, failure):
    target = tmp_path / "note.md"
    target.write_text("旧内容\n", encoding="utf-8")

    def boom(*args, **kwargs):
        if failure == "interrupt":
            raise KeyboardInterrupt
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace" if failure == "replace" else "fsync", boom)
    if failure == "interrupt":
        with pytest.raises(KeyboardInterrupt):
            export.write_note(target, "新内容\n" * 1000, force=True)
    else:
        with pytest.raises(PolicyReviewError, match="cannot write .*No space left on device"):
            export.write_note(target, "新内容\n" * 1000, force=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "旧内容\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.md"]


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_force_replaces_only_a_regular_file(tmp_path, kind):
    target = tmp_path / "note.md"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        (tmp_path / "real.md").write_text("原文\n", encoding="utf-8")
        target.symlink_to(tmp_path / "real.md")
    else:  # a device node of its own, never /dev/null itself: a failing write would replace it
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    before = sorted(p.name for p in tmp_path.iterdir())
    what = {"fifo": "a FIFO \\(named pipe\\)", "symlink": "a symbolic link", "device": "a device"}[kind]
    with pytest.raises(PolicyReviewError, match=f"is {what}, not a regular file"):
        export.write_note(target, "新内容\n", force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left
    if kind == "symlink":
        assert (tmp_path / "note.md").is_symlink() and (tmp_path / "real.md").read_text(encoding="utf-8") == "原文\n"


def test_unwritable_places_give_a_clear_message(tmp_path):
    with pytest.raises(PolicyReviewError, match="no such folder"):
        export.write_note(tmp_path / "missing" / "note.md", "x")
    with pytest.raises(PolicyReviewError, match="is a folder; give a file name"):
        export.write_note(tmp_path, "x")
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
    else:  # root may write anywhere a mode forbids: use a file system that refuses
        locked = Path("/sys")
        if not locked.is_dir() or os.access(locked, os.W_OK) and locked.stat().st_mode & 0o222 == 0o222:
            pytest.skip("no folder here refuses root")
    try:
        with pytest.raises(PolicyReviewError, match="cannot write here") as caught:
            export.write_note(locked / "note.md", "x")
        assert "\n" not in str(caught.value)
        assert not (locked / "note.md").exists()
    finally:
        if locked != Path("/sys"):
            locked.chmod(0o755)


# --------------------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    """Samples with some annotations and a selection, for the command-line tests."""
    store = samples_store(tmp_path_factory.mktemp("export-cli") / "cli.db")
    ids = annotate_golden(store)
    for name in ("gansu-8", "shanghai-news"):
        selection.toggle(store, ids[name])
    yield store, ids
    store.close()


ID_TEMPLATE = "<!-- note -->\n$count\n$body\n<!-- clause -->\nclause=$clause_id\n"


def exported_ids(path: Path) -> list[int]:
    return [int(x) for x in re.findall(r"^clause=(\d+)$", path.read_text(encoding="utf-8"), re.M)]


@pytest.mark.parametrize("args, expected", [
    (["--query", "税"], lambda conn, ids: [h.clause_id for h in search(conn, "税", limit=1 << 62).hits]),
    (["--selection"], lambda conn, ids: [ids["shanghai-news"], ids["gansu-8"]]),
    (["--tag", "社保"], lambda conn, ids: [ids["liaoning-19"], ids["liaoning-20"], ids["jilin-29"]]),
    (["--status", "flagged"], lambda conn, ids: [ids["shanghai-11"]]),
    (["--query", "province:辽宁", "--tag", "社保", "--tag", "降成本"], lambda conn, ids: [ids["liaoning-19"]]),
])
def test_export_command_chooses_clauses(tmp_path, cli_db, args, expected):
    store, ids = cli_db
    template = tmp_path / "ids.md"
    template.write_text(ID_TEMPLATE, encoding="utf-8")
    out = tmp_path / "note.md"
    result = run_cli(tmp_path, "export", "-o", out, *args, "--template", template, "--group-by", "document",
                     "--db", store.path)
    assert result.returncode == 0, result.stderr
    want = expected(store.conn, ids)
    assert want and exported_ids(out) == want
    assert f"wrote {len(want)} clause" in result.stderr


def test_export_command_default_template(tmp_path, cli_db):
    store, ids = cli_db
    out = tmp_path / "note.md"
    result = run_cli(tmp_path, "export", "-o", out, "--tag", "社保", "--group-by", "tag", "--title", "社保条款",
                     "--db", store.path, user="审阅人乙")
    assert result.returncode == 0, result.stderr
    markdown = out.read_text(encoding="utf-8")
    heads = headings(markdown)
    assert heads[0] == (1, "社保条款")
    assert [text for level, text in heads if level == 2] == ["社保", "降成本"]
    items = list_items(markdown)
    assert "审阅人：审阅人乙" in items and "范围：标签：社保" in items and "条款数：3" in items
    assert len(blockquotes(markdown)) == 4

    # an existing file is kept unless --force
    again = run_cli(tmp_path, "export", "-o", out, "--status", "flagged", "--db", store.path)
    assert_one_line_error(again, "exists already", "--force")
    assert out.read_text(encoding="utf-8") == markdown
    forced = run_cli(tmp_path, "export", "-o", out, "--status", "flagged", "--force", "--db", store.path)
    assert forced.returncode == 0, forced.stderr
    assert "条款数：1" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, needle", [
    ([], "say what to export"),
    (["--query", '"税'], "unbalanced quote"),
    (["--status", "done"], "unknown status 'done'"),
    (["--query", "税", "--template", "{tmp}/missing.md"], "no such template file"),
    (["--query", "税", "-o", "{tmp}/no/such/folder/note.md"], "no such folder"),
])
def test_export_command_errors_are_one_line(tmp_path, cli_db, args, needle):
    store, _ids = cli_db
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    output = [] if "-o" in args else ["-o", str(tmp_path / "note.md")]
    result = run_cli(tmp_path, "export", *output, *args, "--db", store.path)
    assert_one_line_error(result, needle)
    assert not (tmp_path / "note.md").exists()
