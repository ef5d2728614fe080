"""Each stage of the parse on its own, on pieces of real documents (tests/fixtures/corpus):
what a stage takes in, what it gives the next one, and the decision it records."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from store.model import Decision
from store.parse import lines as lines_stage
from store.parse import paragraphs as paragraphs_stage
from store.parse import parse_file, parse_source, parse_text
from store.parse.headings import HeadingTree
from store.parse.paragraphs import Para
from store.readers.base import Block, Source
from store.readers.text import decode, source_from_text

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


@lru_cache(maxsize=None)
def text_of(relative: str) -> str:
    return decode((CORPUS / relative).read_bytes())[0]


def excerpt(relative: str, first: int, last: int) -> str:
    """Lines first..last (1-based, inclusive) of a corpus file."""
    return "\n".join(text_of(relative).splitlines()[first - 1:last])


def clean(text: str) -> tuple[list[lines_stage.Line], list[Decision], dict[str, str]]:
    decisions: list[Decision] = []
    info: dict[str, str] = {}
    return lines_stage.clean_lines(source_from_text(text).blocks, decisions, info), decisions, info


def kept(lines: list[lines_stage.Line]) -> list[str]:
    return [line.text for line in lines if line.text]


# --------------------------------------------------------------------------- lines


def test_em_spaces_and_zero_width_joiners_do_not_hide_an_article():
    text = excerpt("devcorpus/coal_major_hazard_criteria_decree85.txt", 11, 15)
    assert "\u200d" in text  # the page left &zwj; before 第一条
    lines, _, _ = clean(text)
    assert kept(lines)[1].startswith("第一条 为了准确认定")
    guangdong = excerpt("devcorpus/guangdong_carbon_emission_measures_md.txt", 43, 50)
    assert "\u2003\u2003第一条" in guangdong
    lines, _, _ = clean(guangdong)
    assert [line[:3] for line in kept(lines)][:5] == ["第一章", "第一条", "第二条", "第三条", "第四条"]
    assert all(line.indented for line in lines if line.text.startswith("第") and "条" in line.text[:4])


def civil_code_lines() -> tuple[list[lines_stage.Line], list[Decision]]:
    """The start of a law taken from a PDF: title, note, 目录, the first pages of the body."""
    lines, decisions, _ = clean(excerpt("devcorpus/civil_code_2020_pdftext.txt", 1, 200))
    return lines, decisions


def test_page_numbers_glued_to_a_pdf_text_are_removed_and_cut_the_line_before_a_heading():
    lines, decisions = civil_code_lines()
    texts = kept(lines)
    assert texts[0] == "中华人民共和国民法典"  # was 1中华人民共和国民法典
    body = texts[texts.index("第一编总则"):]
    assert body[4:6] == ["扬社会主义核心价值观，根据宪法，制定本法。", "第二条民法调整平等主体的自然人、法人和非法人组织"]
    assert "第二章自然人" in body and "第一节民事权利能力和民事行为能力" in body
    assert [d.text for d in decisions if d.reason == "page number"] == [str(n) for n in range(1, 11)]


def test_numbers_that_are_no_page_numbers_stay():
    """附件1 … 附件4 rise one by one down the file, but a label is no page number."""
    text = (Path(__file__).parent.parent / "sample_db" / "jilin-supply-side-reform-2016.txt").read_text("utf-8")
    lines, decisions, _ = clean(text)
    assert not [d for d in decisions if d.reason == "page number"]
    assert "附件1" in kept(lines)


def test_a_table_of_contents_is_dropped_up_to_where_its_first_entry_comes_again():
    lines, decisions = civil_code_lines()
    contents = {d.line for d in decisions if d.reason == "table of contents"}
    assert contents == set(range(4, 136))  # 目录 and every entry, 第一分编通则 and the split lines among them
    assert kept(lines)[3] == "第一编总则"  # the body's own heading, after the title and its note


def test_contents_without_page_numbers_under_an_underlined_heading():
    path = "laws_and_pages/law_administrative_penalty_setext_markdown_2021.txt"
    parsed = parse_file(CORPUS / path)
    toc = [d.text for d in parsed.decisions if d.reason == "table of contents"]
    assert toc[:2] == ["目录", "第一章　总　　则"] and len(toc) == 13
    assert [n.label for n in parsed.documents[0].nodes if n.label][:2] == ["第一章", "第二章"]


def test_a_web_page_keeps_only_the_document():
    lines, decisions, info = clean(text_of("devcorpus/wanzai_2015_statistical_bulletin_webpage.txt"))
    texts = kept(lines)
    assert texts[0] == "万载县2015年国民经济和社会发展统计公报"
    assert texts[-1] == "（万载县统计局）"  # the footer, its empty 附件： slot and links are gone
    reasons = {d.reason for d in decisions}
    assert {"page title", "navigation", "site footer", "page information"} <= reasons
    assert info["page_title"] == "万载县2015年国民经济和社会发展统计公报" and info["published"] == "2017-05-15"


def test_a_database_export_header_and_front_matter_become_fields():
    _, decisions, info = clean(text_of("devcorpus/guangdong_carbon_emission_measures_md.txt"))
    assert (info["title"], info["author"], info["front_date"]) == ("广东省碳排放管理试行办法", "广东省人民政府", "2014-03-01")
    assert {d.reason for d in decisions} >= {"front matter", "markup", "table of contents"}
    _, decisions, _ = clean(excerpt("devcorpus/xinyu_green_building_measures_pkulaw.txt", 1, 4))
    assert [d.reason for d in decisions] == ["export header", "export header"]


def test_an_information_table_copied_cell_by_cell():
    _, decisions, info = clean(excerpt("laws_and_pages/webpage_govcn_decree707_individual_income_tax_2018.txt", 1, 31))
    assert (info["doc_number"], info["issuer"], info["date"]) == ("国令第707号", "国务院", "2018-12-18")
    assert info["title"] == "中华人民共和国个人所得税法实施条例"
    # 主题词： was empty: the decree's head under it is not its value.
    assert "中华人民共和国国务院令" not in [d.text for d in decisions]


# --------------------------------------------------------------------------- paragraphs


def test_hard_wrapped_lines_are_joined_but_a_reader_s_paragraphs_never():
    lines, _ = civil_code_lines()
    width = paragraphs_stage.wrap_width_of(lines)
    assert width is not None
    paras = paragraphs_stage.assemble(lines, True, width)
    start = next(i for i, p in enumerate(paras) if p.text == "第一编总则")
    assert [p.text[:8] for p in paras[start:start + 6]] == [
        "第一编总则", "第一章基本规定", "第一条为了保护民", "第二条民法调整平", "第三条民事主体的", "第四条民事主体在"]
    assert paras[start + 2].text.endswith("根据宪法，制定本法。")
    assert len(paragraphs_stage.assemble(lines, joined=False)) == len(kept(lines))


def test_a_table_flattened_one_cell_per_line_is_one_paragraph():
    path = "plans_and_notices/plan_zhejiang_urban_waterlogging_14th_docxtext.txt"
    lines, _, _ = clean(excerpt(path, 4398, 4470))
    decisions: list[Decision] = []
    paras = paragraphs_stage.join_table_cells(paragraphs_stage.assemble(lines), decisions)
    table = max(paras, key=lambda p: p.text.count("\n"))
    assert "（1）\n温瑞平原西片排涝工程（鹿城段）\n新建" in table.text
    assert [d.reason for d in decisions] == ["table"]


def test_a_table_s_caption_above_it_is_its_title():
    """From pdf2 (高污染燃料目录): 表2's caption, then its cells; a 附表 line stays an attachment."""
    rows = [["燃料种类", "含硫量(St,d)", "灰分(Ad)", "挥发分(Vdaf)"], ["型煤", "0.5%", "-", "12.0%"]]
    table = Block("\n".join("\t".join(r) for r in rows), 0, rows=rows)
    texts = ["高污染燃料目录", "一、按照控制严格程度，将禁燃区内禁止燃用的燃料组合分为Ⅰ类（一般）、Ⅱ类（较严）和Ⅲ类（严格）。",
             "表2 部分煤炭制品的组分含量限值"]
    blocks = [Block(text, 0) for text in texts] + [table]
    for number, block in enumerate(blocks, 1):
        block.line = number
    (doc,) = parse_source(Source(blocks, "docx", "test", paragraphs=True)).documents
    (section,) = doc.nodes
    (clause,) = section.children
    assert (clause.title, clause.rows) == ("表2 部分煤炭制品的组分含量限值", rows)
    assert paragraphs_stage.TABLE_CAPTION_RE.match("续表1") and paragraphs_stage.TABLE_CAPTION_RE.match("表 3-2 排放限值")
    assert not paragraphs_stage.TABLE_CAPTION_RE.match("附表1 项目清单")
    assert not paragraphs_stage.TABLE_CAPTION_RE.match("表彰先进集体和个人。")


# --------------------------------------------------------------------------- units and titles


def test_titles_of_every_shape():
    def title(relative: str) -> str:
        return parse_file(CORPUS / relative).documents[0].title

    assert title("devcorpus/xinyu_green_building_measures_pkulaw.txt") == \
        "新余市人民政府办公室关于印发《新余市新余市绿色建筑管理办法》的通知"  # printed twice under an export header
    assert title("devcorpus/coal_project_completion_acceptance_notice_2012.txt") == \
        "国家能源局关于印发煤矿建设项目竣工验收管理办法的通知"  # over two lines
    assert title("laws_and_pages/notice_joint_safety_liability_insurance_2017.txt") == \
        "国家安全监管总局 保监会 财政部关于印发《安全生产责任保险实施办法》的通知"  # issuers on the line above
    assert title("laws_and_pages/webpage_govcn_grain_emergency_plan_spaced_2005.txt") == \
        "国务院办公厅关于印发国家粮食应急预案的函"  # the second line letter-spaced
    assert title("plans_and_notices/plan_shanghai_14th_five_year_outline_2021_pdftext.txt") == \
        "上海市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"  # glued after another text's end
    assert title("plans_and_notices/plan_beijing_ecological_restoration_2021_pdftext.txt") == \
        "北京市国土空间生态修复规划（2021 年-2035 年）（草案）"  # a cover page under a page number


def test_a_document_without_a_title_is_named_by_its_first_words():
    (doc,) = parse_file(CORPUS / "devcorpus/shanxi_coal_intelligent_projects_short_announcement.txt").documents
    assert (doc.title, doc.untitled) == ("经吕梁市、晋城市、晋中市能源局申请", True)
    assert (doc.issuer, doc.date) == ("山西省能源局", "2021-07-13")


def test_an_attachment_only_named_or_linked_is_no_unit():
    for name in ("coal_gas_grading_measures_short_notice.txt", "coal_project_completion_acceptance_notice_2012.txt"):
        parsed = parse_file(CORPUS / "devcorpus" / name)
        assert [d.kind for d in parsed.documents] == ["main"], name


# --------------------------------------------------------------------------- header (metadata)


def test_metadata_from_decree_heads_signatures_and_adoption_notes():
    notice, main = parse_file(CORPUS / "devcorpus/coal_safety_training_rules_decree92.txt").documents
    assert (notice.title, notice.doc_number, notice.issuer, notice.date) == (
        "国家安全生产监督管理总局令", "国家安全生产监督管理总局令第92号", "国家安全生产监督管理总局", "2018-01-11")
    assert main.doc_number == notice.doc_number
    (law,) = parse_file(CORPUS / "devcorpus/civil_code_2020_pdftext.txt").documents
    assert (law.issuer, law.date) == ("全国人民代表大会", "2020-05-28")
    (regulation,) = parse_file(CORPUS / "devcorpus/coal_mine_safety_supervision_regulations.txt").documents
    assert (regulation.doc_number, regulation.issuer) == ("国务院令第296号", "国务院")


def test_joint_issuers_on_one_line_and_under_each_other():
    (doc,) = parse_file(CORPUS / "devcorpus/nea_coal_intelligent_mining_notice_2021.txt").documents
    assert doc.issuer == "国家能源局综合司、国家矿山安全监察局综合司"
    (doc,) = parse_file(CORPUS / "devcorpus/coal_gas_grading_measures_short_notice.txt").documents
    assert doc.issuer == "国家煤矿安监局、国家能源局"


def test_a_bulletin_s_closing_source_and_the_page_s_date():
    (doc,) = parse_file(CORPUS / "devcorpus/wanzai_2015_statistical_bulletin_webpage.txt").documents
    assert (doc.issuer, doc.date) == ("万载县统计局", "2017-05-15")


# --------------------------------------------------------------------------- headings


def tree(nodes, depth: int = 1, limit: int = 3) -> list[tuple[int, str]]:
    rows = []
    for node in nodes:
        if node.label or node.children:
            rows.append((depth, node.label or node.title))
            if depth < limit:
                rows.extend(tree(node.children, depth + 1, limit))
    return rows


def test_ranks_keep_their_order_where_only_some_chapters_have_sections():
    (doc,) = parse_file(CORPUS / "laws_and_pages/regulation_linyi_urban_rural_planning_2016.txt").documents
    rows = tree(doc.nodes)
    third = rows.index((1, "第三章"))
    assert rows[third + 1:third + 3] == [(2, "第一节"), (3, rows[third + 2][1])]
    assert rows[third + 2][1].endswith("条")  # an article inside a section is below it
    fourth = rows.index((1, "第四章"))
    assert rows[fourth + 1][0] == 2 and rows[fourth + 1][1].endswith("条")  # and under a chapter without sections


def test_an_unnumbered_part_is_a_sibling_of_the_top_rank_and_holds_what_ranks_below():
    (law,) = parse_file(CORPUS / "devcorpus/civil_code_2020_pdftext.txt").documents
    top = [(n.label or n.title) for n in law.nodes if n.label or n.children]
    assert top[-2:] == ["第七编", "附则"]
    closing = law.nodes[-1]
    assert [c.label for c in closing.children] == ["第一千二百五十九条", "第一千二百六十条"]


def test_in_a_text_of_articles_only_the_items_of_an_article_are_its_children():
    _notice, standard = parse_file(CORPUS / "devcorpus/coal_major_hazard_criteria_decree85.txt").documents
    third = next(n for n in standard.nodes if n.label == "第三条")
    assert [c.label for c in third.children if c.label][:3] == ["（一）", "（二）", "（三）"]


def test_an_inserted_article_continues_the_numbering():
    (act,) = parse_file(CORPUS / "plans_and_notices/act_taiwan_hk_macao_relations_moj_page_traditional.txt").documents
    labels = [label for _, label in tree(act.nodes)]
    assert labels[labels.index("第41條"):labels.index("第41條") + 3] == ["第41條", "第41-1條", "第42條"]


def test_an_article_run_into_the_end_of_the_previous_one_is_cut_there():
    """In text from a PDF whose line breaks were lost, the next article may follow the end of
    the previous one on the same line; a reference to another article is not cut."""
    def articles(text: str, from_pdf: bool = True) -> list[tuple[str, str]]:
        paras = [Para(n, line) for n, line in enumerate(text.splitlines(), 1)]
        return [(node.label, node.text) for node in HeadingTree(run_in_headings=from_pdf).build(paras)]

    run_together = "第一条　为了规范管理，制定本办法。第二条　本办法适用于本市。\n第三条　本办法自发布之日起施行。"
    assert articles(run_together) == [
        ("第一条", "为了规范管理，制定本办法。"), ("第二条", "本办法适用于本市。"), ("第三条", "本办法自发布之日起施行。")]
    # A web copy never runs articles together: there the sentence is left as written.
    assert articles(run_together, from_pdf=False)[0] == ("第一条", run_together[4:])
    assert [label for label, _ in articles("第一条　依照本办法。第三条规定的情形除外。")] == ["第一条"]


def test_every_heading_decision_is_recorded_with_its_reason():
    decisions: list[Decision] = []
    paras = [Para(1, "第一章　总则"), Para(2, "第一条　为了规范管理。"), Para(3, "第三条　跳过了一条。"),
             Para(4, "第二条　本办法适用于本市。")]
    HeadingTree(decisions).build(paras)
    assert [(d.line, d.reason, d.detail) for d in decisions] == [
        (1, "heading", "depth 1: 第一章 starts its sequence"),
        (2, "heading", "depth 2: 第一条 starts its sequence"),
        (3, "text", "starts like 第三条 but does not continue 第一条"),
        (4, "heading", "depth 2: 第二条 continues 第一条"),
    ]


def test_a_text_for_the_whole_country_is_not_placed_by_the_places_it_names():
    """Sentences of the national 防控方案 (holdout2): 北京 named most, 安徽 nearly as often."""
    national = "\n".join([
        "新型冠状病毒肺炎防控方案（第八版）",
        "一、适用范围",
        "本方案适用于全国各级各类医疗卫生机构。北京市新发地批发市场聚集性疫情和安徽省的经验表明，要做到早发现。",
        "二、防控措施",
        "参照北京市、安徽省的做法，北京市各区和安徽省各地加强冷链食品检测，北京市强化社区防控。",
    ])
    (doc,) = parse_text(national).documents
    assert doc.province == "未知"
    local = national.replace("安徽省的经验", "其他地方的经验").replace("安徽省", "北京市")
    assert parse_text(local).documents[0].province == "北京市"
