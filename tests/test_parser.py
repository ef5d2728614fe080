"""The parser on real documents: the five samples against their expected outlines, nothing of
their text lost or doubled, and documents of other shapes (tests/fixtures/docs) whose heading
trees were written down by reading the source text."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from sample_db import SAMPLE_DIR
from store.errors import InputError
from store.model import Node, ParsedDocument, ParsedFile
from store.parse import parse_file, parse_text
from store.readers.text import decode
from tests.expected_outline import compare, comparable, expected_value, load

DOCS = Path(__file__).parent / "fixtures" / "docs"
MANIFEST = json.loads((SAMPLE_DIR / "manifest.json").read_text(encoding="utf-8"))
SAMPLES = [entry["file"] for entry in MANIFEST["documents"]]
METADATA_KEYS = ("title", "doc_number", "issuer", "date", "province", "region", "recipients", "cc", "disclosure")

ALLOWED_DROP_REASONS = {
    "boilerplate", "page number", "separator", "table of contents", "navigation", "主送", "文号", "issuer",
    "date", "disclosure", "抄送", "版记", "版头", "issuer and date", "attachment label", "information table",
}

# A pinyin annotation as web pages add them after a character: 調(diào). Written here, not taken
# from the parser, so that the coverage check does not share the parser's idea of noise.
_TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_NOTE = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü{_TONE_MARKS}]*[{_TONE_MARKS}][a-zü{_TONE_MARKS}]*[)）]")


@lru_cache(maxsize=None)
def parse_sample(name: str) -> ParsedFile:
    return parse_file(SAMPLE_DIR / name)


@lru_cache(maxsize=None)
def parse_doc(name: str, province: str | None = None) -> ParsedFile:
    return parse_file(DOCS / name, province=province)


def main_document(parsed: ParsedFile) -> ParsedDocument:
    mains = [doc for doc in parsed.documents if doc.kind == "main"]
    assert len(mains) == 1, [(d.kind, d.title) for d in parsed.documents]
    return mains[0]


def tree(nodes: list[Node], depth: int = 1) -> list[tuple[int, str, str]]:
    """(depth, label, title) of every heading, at every depth, in reading order."""
    rows = []
    for node in nodes:
        if node.label or node.title:
            rows.append((depth, node.label, node.title))
        rows.extend(tree(node.children, depth + 1))
    return rows


def find(nodes: list[Node], label: str) -> Node:
    """The first node with this label, depth first."""
    for node in nodes:
        if node.label == label:
            return node
        try:
            return find(node.children, label)
        except LookupError:
            pass
    raise LookupError(label)


def clause_texts(nodes: list[Node]) -> list[str]:
    """The text of every leaf (clause), in reading order."""
    out = []
    for node in nodes:
        if node.children:
            out.extend(clause_texts(node.children))
        else:
            out.append(node.text)
    return out


def all_strings(parsed: ParsedFile) -> list[str]:
    """Everything the parse keeps or reports: headings, texts, document titles, dropped lines.
    Attachment labels (附件1) are counted in the dropped lines that hold them."""
    strings: list[str] = []

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            strings.extend((node.label, node.title, node.text))
            walk(node.children)

    for doc in parsed.documents:
        if not doc.untitled:  # a name made of the text's opening words is not more text
            strings.append(doc.title)
        walk(doc.nodes)
    strings.extend(d.text for d in parsed.dropped)
    return strings


def significant(text: str) -> Counter:
    """The multiset of Chinese characters, letters and digits."""
    return Counter(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


def coverage_problems(path: Path, parsed: ParsedFile) -> list[str]:
    """What the parse lost or doubled, compared with the source text."""
    source, _encoding = decode(path.read_bytes())
    source = _PINYIN_NOTE.sub("", source)
    expected = significant(source)
    got = significant("\n".join(all_strings(parsed)))
    problems = []
    if expected - got:
        problems.append(f"lost: {''.join(sorted((expected - got).elements()))[:200]}")
    if got - expected:
        problems.append(f"doubled or invented: {''.join(sorted((got - expected).elements()))[:200]}")
    bad = [(d.line, d.reason, d.text) for d in parsed.dropped if d.reason not in ALLOWED_DROP_REASONS]
    if bad:
        problems.append(f"dropped for reasons outside the allowed set: {bad}")
    return problems


# --------------------------------------------------------------------------- samples


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_matches_its_expected_outline(name):
    assert compare(load(name), parse_sample(name)) == []


def _metadata_cases():
    for name in SAMPLES:
        meta = load(name).meta
        for key in METADATA_KEYS:
            if key in meta and expected_value(meta, key) is None:
                continue  # marked "not in the text"
            yield pytest.param(name, key, id=f"{name.split('-')[0]}-{key}")


@pytest.mark.parametrize("name,key", list(_metadata_cases()))
def test_sample_metadata_of_the_main_document(name, key):
    """What the .outline states is found; what it does not mention is not in the text, so the
    parser must not invent it either."""
    expected = expected_value(load(name).meta, key)
    actual = getattr(main_document(parse_sample(name)), key)
    if key == "title":
        # 關于/關於 differ between the source and the outline: compared as the outlines say.
        assert comparable(actual) == comparable(expected)
    else:
        assert actual == expected


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_text_is_kept_exactly_once(name):
    assert coverage_problems(SAMPLE_DIR / name, parse_sample(name)) == []


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_dropped_metadata_lines_are_in_the_metadata(name):
    """A header line taken out of the text is not lost: it is in the documents' metadata."""
    parsed = parse_sample(name)
    docs = parsed.documents
    for dropped in parsed.dropped:
        compact = re.sub(r"\s+", "", dropped.text)
        if dropped.reason == "主送":
            assert any(d.recipients and compact.startswith(re.sub(r"\s+", "", d.recipients)) for d in docs)
        elif dropped.reason == "文号":
            assert any(d.doc_number and d.doc_number in compact for d in docs)
        elif dropped.reason == "issuer":
            assert any(d.issuer and compact in d.issuer.split("、") for d in docs), dropped
        elif dropped.reason == "disclosure":
            assert any(d.disclosure == dropped.text for d in docs)
        elif dropped.reason == "抄送" and compact.startswith("抄送"):
            assert any(d.cc and d.cc.split("，")[0] in compact for d in docs)


def test_coverage_check_notices_a_lost_paragraph():
    """The coverage check is a real check: remove one clause or double one and it says so."""
    path = SAMPLE_DIR / "liaoning-enterprise-costs-2016.txt"
    parsed = parse_file(path)
    main = main_document(parsed)
    section = next(n for n in main.nodes if n.children)
    lost = section.children.pop()
    assert any(p.startswith("lost:") for p in coverage_problems(path, parsed))
    section.children.append(lost)
    assert coverage_problems(path, parsed) == []
    section.children.append(Node("", "", lost.text))
    assert any(p.startswith("doubled") for p in coverage_problems(path, parsed))


def test_pinyin_is_removed_from_the_traditional_sample_but_characters_stay_traditional():
    parsed = parse_sample("shanghai-industry-supply-side-2016.txt")
    text = "\n".join(s for doc in parsed.documents for s in [doc.title, *clause_texts(doc.nodes)])
    assert "(diào)" not in text and "(yè)" not in text
    assert "調結構" in main_document(parsed).title
    assert "工業" in text and "工业" not in text


def test_sample_attachment_list_is_not_headings():
    """吉林: the covering notice lists 附件：1.… 2.…; the five attachments are documents with
    their own numbering, which starts again at 一、 in each."""
    parsed = parse_sample("jilin-supply-side-reform-2016.txt")
    attachments = [d for d in parsed.documents if d.kind == "attachment"]
    assert [d.label for d in attachments] == ["附件1", "附件2", "附件3", "附件4", "附件5"]
    for doc in attachments:
        assert next(n.label for n in doc.nodes if n.label) == "一、"
        assert doc.province == "吉林省"
    # The list closes the main document as one paragraph, after 四、 and its （四）.
    main = main_document(parsed)
    listing = main.nodes[-1]
    assert (listing.label, listing.title, listing.children) == ("", "", [])
    assert listing.text.split("\n") == [
        "附件：", "1.关于去产能的实施意见", "2.关于去库存的实施意见", "3.关于去杠杆的实施意见",
        "4.关于降成本的实施意见", "5.关于补短板的实施意见",
    ]
    assert main.nodes[-2].label == "四、" and main.nodes[-2].children[-1].label == "（四）"


# --------------------------------------------------------------------------- other shapes


def test_regulation_with_chapters_and_articles():
    parsed = parse_doc("regulation-chapters-articles.txt")
    doc = main_document(parsed)
    assert doc.title == "河北省安全生产条例"
    assert doc.province == "河北省"
    # （二〇〇四年六月二十六日…通过　根据…修正）: the date of adoption, the line kept as text.
    assert doc.date == "2004-06-26"
    assert doc.nodes[0].text.startswith("（二〇〇四年六月二十六日河北省第十届人民代表大会")
    assert tree(doc.nodes) == [
        (1, "第一章", "总则"),
        (2, "第一条", ""),
        (2, "第二条", ""),
        (2, "第三条", ""),
        (1, "第二章", "生产经营单位的安全生产保障"),
        (2, "第四条", ""),
        (3, "（一）", "有健全的安全生产责任制"),
        (3, "（二）", "有安全生产规章制度和操作规程"),
        (3, "（三）", "有符合国家标准或者行业标准的安全设施、设备和工艺"),
        (3, "（四）", "法律、法规规定的其他安全生产条件"),
        (2, "第五条", ""),
        (3, "（一）", "建立、健全本单位安全生产责任制"),
        (3, "（二）", "组织制定本单位安全生产规章制度和操作规程"),
        (3, "（三）", "保证本单位安全生产投入的有效实施"),
        (2, "第六条", ""),
        (1, "第三章", "监督管理"),
        (2, "第七条", ""),
        (2, "第八条", ""),
        (3, "（一）", "进入生产经营单位进行检查，调阅有关资料，向有关单位和人员了解情况"),
        (3, "（二）", "对检查中发现的安全生产违法行为，当场予以纠正或者要求限期改正"),
        (1, "第四章", "附则"),
        (2, "第九条", ""),
    ]
    # The table of contents is dropped, not taken for the chapters.
    toc = [d.text for d in parsed.dropped if d.reason == "table of contents"]
    assert toc[0].replace("\u3000", "") == "目录" and len(toc) == 5


def test_article_alone_on_its_line_takes_the_next_line_as_its_text():
    doc = main_document(parse_doc("regulation-chapters-articles.txt"))
    article = find(doc.nodes, "第三条")
    assert article.title == ""
    assert article.text == (
        "安全生产工作坚持以人为本，坚持安全第一、预防为主、综合治理的方针，建立生产经营单位负责、"
        "职工参与、政府监管、行业自律和社会监督的机制。"
    )
    # A run-in article keeps its whole text, its second paragraph (款) too.
    second = find(doc.nodes, "第二条")
    assert second.text.split("\n") == [
        "本省行政区域内从事生产经营活动的单位（以下统称生产经营单位）的安全生产，适用本条例。",
        "有关法律、行政法规对消防安全和道路交通安全、铁路交通安全、水上交通安全、民用航空安全另有规定的，适用其规定。",
    ]


def test_paragraph_after_an_enumeration_belongs_to_the_article_not_the_last_item():
    doc = main_document(parse_doc("regulation-chapters-articles.txt"))
    article = find(doc.nodes, "第四条")
    assert [(n.label, n.text) for n in article.children] == [
        ("", "生产经营单位应当具备下列安全生产条件："),
        ("（一）", ""), ("（二）", ""), ("（三）", ""), ("（四）", ""),
        ("", "不具备前款规定条件的，不得从事生产经营活动。"),
    ]


def test_numbers_with_units_are_not_headings():
    """2.5万平方米 and 2.69万亿元 start body lines; they are amounts, not 2.5 or 2. headings."""
    regulation = main_document(parse_doc("regulation-chapters-articles.txt"))
    assert find(regulation.nodes, "第六条").text.endswith("\n2.5万平方米以上的商场、市场等人员密集场所，应当配备专职安全生产管理人员。")
    national = main_document(parse_doc("national-notice.txt"))
    assert find(national.nodes, "（四）").text == "保持流动性合理充裕，营造适宜的货币金融环境。\n2.69万亿元的政府性债务置换工作要有序推进。"
    measures = main_document(parse_doc("measures-articles-no-chapters.txt"))
    assert find(measures.nodes, "第五条").text == "总投资2.1亿元以上的项目，应当组织专家评审。\n2.1万平方米以上的公共建筑项目，应当同时进行节能评估。"
    for doc in (regulation, national, measures):
        assert not any(re.match(r"^[0-9]", label) for _, label, _ in tree(doc.nodes))


def test_decimal_amount_under_a_numbered_heading_is_not_a_sub_heading():
    """Under 二、, a line beginning 2.1万亿元 is text even though 2.1 would continue 二."""
    parsed = parse_text(
        "关于做好债务置换工作的通知\n\n一、总体要求\n做好债务置换工作。\n二、工作安排\n"
        "2.1万亿元的政府性债务置换工作要在年底前完成。\n三、保障措施\n加强领导。\n"
    )
    doc = main_document(parsed)
    assert tree(doc.nodes) == [(1, "一、", "总体要求"), (1, "二、", "工作安排"), (1, "三、", "保障措施")]
    assert doc.nodes[1].text == "2.1万亿元的政府性债务置换工作要在年底前完成。"


def test_measures_with_articles_and_no_chapters():
    doc = main_document(parse_doc("measures-articles-no-chapters.txt"))
    assert doc.title == "长沙市政府投资项目管理办法"
    assert (doc.province, doc.region) == ("湖南省", "长沙市")
    assert doc.date == "2020-03-18"
    assert tree(doc.nodes) == [
        (1, "第一条", ""),
        (1, "第二条", ""),
        (1, "第三条", ""),
        (1, "第四条", ""),
        (2, "（一）", "项目建议书"),
        (2, "（二）", "可行性研究报告"),
        (2, "（三）", "初步设计"),
        (1, "第五条", ""),
        (1, "第六条", ""),
    ]
    assert find(doc.nodes, "第三条").text.startswith("政府投资资金应当投向市场不能有效配置资源")
    # 依照本办法第三条规定… starts with no number: the 款 after the list, under 第四条.
    assert find(doc.nodes, "第四条").children[-1].text == "依照本办法第三条规定不属于政府投资范围的，不予审批。"
    assert find(doc.nodes, "第六条").text == "本办法自2020年5月1日起施行。"


def test_plan_with_decimal_numbering():
    doc = main_document(parse_doc("plan-decimal-numbering.txt"))
    assert doc.title == "广东省数字政府建设总体规划（2018—2020年）"
    assert doc.province == "广东省"
    assert tree(doc.nodes) == [
        (1, "1", "建设背景"),
        (2, "1.1", "发展基础"),
        (2, "1.2", "面临形势"),
        (1, "2", "总体要求"),
        (2, "2.1", "指导思想"),
        (2, "2.2", "基本原则"),
        (3, "2.2.1", "统筹规划，协同推进"),
        (3, "2.2.2", "需求导向，注重实效"),
        (3, "2.2.3", "安全可控，保障有力"),
        (2, "2.3", "建设目标"),
        (1, "3", "主要任务"),
        (2, "3.1", "建设统一的政务云平台"),
        (2, "3.2", "建设统一的政务大数据中心"),
        (2, "3.3", "推进“一网通办”"),
        (3, "3.3.1", "建设广东政务服务网"),
        (3, "3.3.2", "推广“粤省事”移动政务服务平台"),
        (1, "4", "保障措施"),
        (2, "4.1", "加强组织领导"),
        (2, "4.2", "强化资金保障"),
    ]
    # The preamble before 1 is a paragraph of the document, not part of a heading.
    assert doc.nodes[0].label == "" and doc.nodes[0].text.startswith("为贯彻落实国家关于加快推进")


def test_heading_on_its_own_line_takes_the_following_paragraph_as_text():
    doc = main_document(parse_doc("plan-decimal-numbering.txt"))
    basis = find(doc.nodes, "1.1")
    assert basis.title == "发展基础"
    assert basis.text == (
        "近年来，我省电子政务建设取得明显成效，政务信息化基础设施不断完善，网上办事大厅覆盖省、市、县三级，"
        "全省政务服务事项网上可办率达到80%以上。"
    )


def test_run_in_heading_is_split_at_the_first_full_stop():
    doc = main_document(parse_doc("national-notice.txt"))
    node = find(doc.nodes, "（一）")
    assert node.title == "指导思想"
    assert node.text == "全面贯彻党的十八大和十八届三中、四中、五中全会精神，着力推进供给侧结构性改革。"
    # 2.2.1 统筹规划，协同推进。坚持… : the comma inside the title does not cut it.
    plan = main_document(parse_doc("plan-decimal-numbering.txt"))
    assert find(plan.nodes, "2.2.1").title == "统筹规划，协同推进"
    assert find(plan.nodes, "2.2.1").text == "坚持全省一盘棋，统一规划、统一标准、统一建设，推动各级各部门协同联动。"


def test_national_notice():
    parsed = parse_doc("national-notice.txt")
    notice, main = parsed.documents
    assert (notice.kind, notice.title) == ("notice", "国务院关于印发降低实体经济企业成本工作方案的通知")
    assert main.title == "降低实体经济企业成本工作方案"
    for doc in parsed.documents:
        assert doc.province == "全国" and doc.region is None
        assert (doc.doc_number, doc.issuer, doc.date) == ("国发〔2016〕48号", "国务院", "2016-08-08")
    assert main.recipients == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"
    assert main.disclosure == "（此件公开发布）"
    assert tree(main.nodes) == [
        (1, "一、", "总体要求"),
        (2, "（一）", "指导思想"),
        (2, "（二）", "工作目标"),
        (1, "二、", "主要任务"),
        (2, "（三）", "合理降低企业税费负担"),
        (2, "（四）", "有效降低企业融资成本"),
        (1, "三、", "保障措施"),
        (2, "（五）", "加强组织领导"),
    ]


def test_site_information_table_is_metadata_not_text():
    parsed = parse_doc("govcn-info-table.txt")
    notice, main = parsed.documents
    assert notice.title == "国务院关于印发降低实体经济企业成本工作方案的通知"
    assert (main.doc_number, main.issuer, main.date, main.province) == ("国发〔2016〕48号", "国务院", "2016-08-08", "全国")
    table = [d.text for d in parsed.dropped if d.reason == "information table"]
    assert len(table) == 7 and table[0].startswith("索 引 号")
    assert all("索引号" not in node.text for doc in parsed.documents for node in doc.nodes)


def test_a_notice_that_is_itself_the_document():
    (doc,) = parse_doc("notice-with-headings.txt").documents
    assert (doc.kind, doc.title) == ("main", "河南省人民政府办公厅关于做好2021年春耕生产工作的通知")
    assert (doc.doc_number, doc.issuer, doc.date) == ("豫政办明电〔2021〕5号", "河南省人民政府办公厅", "2021-03-01")
    assert doc.recipients.startswith("各省辖市人民政府") and doc.province == "河南省"
    assert tree(doc.nodes) == [(1, "一、", "切实稳定粮食播种面积"), (1, "二、", "加强农资供应保障"),
                               (1, "三、", "强化防灾减灾措施")]
    assert doc.nodes[0].text.startswith("为切实做好今年春耕生产工作")  # the opening paragraph is a clause


def test_parts_chapters_and_sections_of_a_five_year_plan():
    (doc,) = parse_doc("plan-parts-chapters-sections.txt").documents
    assert tree(doc.nodes) == [
        (1, "第一篇", "开启全面建设社会主义现代化四川新征程"),
        (2, "第一章", "发展环境"),
        (3, "第一节", "发展基础"),
        (3, "第二节", "发展环境"),
        (2, "第二章", "指导方针"),
        (1, "第二篇", "坚持创新驱动发展"),
        (2, "第三章", "建设具有全国影响力的科技创新中心"),  # chapters are numbered across parts
    ]


def test_notice_with_attachments():
    parsed = parse_doc("notice-with-attachments.txt")
    assert [(d.kind, d.label, d.title) for d in parsed.documents] == [
        ("notice", "", "浙江省人民政府办公厅关于印发浙江省促进中小微企业发展若干措施的通知"),
        ("main", "", "浙江省促进中小微企业发展若干措施"),
        ("attachment", "附件1", "浙江省中小微企业融资支持清单"),
        ("attachment", "附件2", "浙江省中小微企业服务机构名录"),
    ]
    notice, main, first, second = parsed.documents
    # The list of attachments in the notice is one paragraph, not headings 1． and 2．.
    assert tree(notice.nodes) == []
    assert notice.nodes[-1].text == "附件：1．浙江省中小微企业融资支持清单\n2．浙江省中小微企业服务机构名录"
    assert (main.issuer, main.doc_number, main.date) == ("浙江省人民政府办公厅", "浙政办发〔2019〕12号", "2019-03-15")
    assert tree(main.nodes) == [
        (1, "一、", "减轻企业税费负担"),
        (2, "（一）", "落实小微企业普惠性减税政策"),
        (2, "（二）", "降低社会保险费率"),
        (1, "二、", "缓解融资难融资贵"),
        (2, "（三）", "扩大信贷投放"),
        (2, "（四）", "降低融资担保费率"),
        (1, "三、", "强化服务保障"),
        (2, "（五）", "完善公共服务体系"),
    ]
    # Numbering starts again in each attachment: 1． under 一、 and again under 二、.
    assert tree(first.nodes) == [
        (1, "一、", "信贷支持"),
        (2, "1．", "普惠小微贷款"),
        (2, "2．", "无还本续贷"),
        (1, "二、", "担保支持"),
        (2, "1．", "政府性融资担保"),
    ]
    assert tree(second.nodes) == [
        (1, "一、", "省级服务机构"),
        (2, "（一）", "浙江省中小企业服务中心"),
        (2, "（二）", "浙江省企业信用促进会"),
        (1, "二、", "市级服务机构"),
        (2, "（一）", "杭州市中小企业服务中心"),
        (2, "（二）", "宁波市中小企业服务中心"),
    ]
    assert all(d.province == "浙江省" for d in parsed.documents)


def test_attachment_titled_on_its_label_line():
    parsed = parse_doc("notice-inline-attachment-titles.txt")
    assert [(d.kind, d.label, d.title) for d in parsed.documents] == [
        ("main", "", "江苏省财政厅关于印发《江苏省小微企业融资担保业务降费奖补实施细则》的通知"),
        ("attachment", "附件1", "江苏省小微企业融资担保业务降费奖补实施细则"),
        ("attachment", "附件2", "奖补资金申请表"),
    ]
    notice, rules, form = parsed.documents
    assert (notice.doc_number, notice.issuer, notice.date) == ("苏财金〔2021〕45号", "江苏省财政厅", "2021-06-03")
    assert tree(notice.nodes) == []
    assert tree(rules.nodes) == [
        (1, "一、", "奖补对象"),
        (2, "（一）", "在省内依法设立的政府性融资担保机构"),
        (2, "（二）", "纳入全国融资担保业务监管系统的机构"),
        (1, "二、", "奖补标准"),
        (2, "（一）", "对平均担保费率不高于1%的机构给予奖补"),
        (2, "（二）", "奖补资金按季度拨付"),
        (1, "三、", "附则"),
    ]
    assert tree(form.nodes) == [(1, "一、", "申请单位基本情况"), (1, "二、", "担保业务开展情况"), (1, "三、", "申请奖补金额")]
    # Only the label is dropped; the title is the attachment's title, kept once.
    labels = [d.text for d in parsed.dropped if d.reason == "attachment label"]
    assert labels == ["附件1：", "附件2："]


def test_notice_quoting_a_title_without_its_period():
    """The notice quotes 《杭州市数字经济发展规划》; the plan is titled with its period
    （2021—2025年） on the next line. It is still found, and the period stays in its title."""
    parsed = parse_doc("notice-title-with-period.txt")
    assert [(d.kind, d.title) for d in parsed.documents] == [
        ("notice", "杭州市人民政府办公厅关于印发杭州市数字经济发展规划的通知"),
        ("main", "杭州市数字经济发展规划（2021—2025年）"),
    ]
    notice, main = parsed.documents
    assert [n.text for n in notice.nodes] == [
        "《杭州市数字经济发展规划》已经市政府同意，现印发给你们，请结合实际认真组织实施。"]
    assert (main.doc_number, main.issuer, main.date, main.province, main.region) == (
        "杭政办函〔2021〕55号", "杭州市人民政府办公厅", "2021-08-02", "浙江省", "杭州市")
    assert tree(main.nodes) == [
        (1, "一、", "发展基础"),
        (1, "二、", "主要任务"),
        (2, "（一）", "做强数字产业"),
        (2, "（二）", "推进产业数字化"),
    ]
    assert main.nodes[0].text == "“十三五”期间，全市数字经济核心产业增加值年均增长15%以上。"


def test_title_with_its_period_on_the_next_line():
    doc = main_document(parse_text(
        "湖州市数字经济发展规划\n（2021—2025年）\n\n　　一、发展基础\n　　全市数字经济核心产业增加值年均增长15%。\n"))
    assert doc.title == "湖州市数字经济发展规划（2021—2025年）"
    assert tree(doc.nodes) == [(1, "一、", "发展基础")]


def test_recipients_broken_over_two_lines():
    """A line that ends with a comma goes on on the next line: 主送 wrapped in a web copy."""
    parsed = parse_doc("recipients-over-two-lines.txt")
    doc = main_document(parsed)
    assert doc.recipients == "各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构，各大企业，各高等院校"
    assert (doc.doc_number, doc.issuer, doc.date, doc.province) == (
        "鲁政发〔2018〕26号", "山东省人民政府", "2018-11-08", "山东省")
    assert doc.nodes[0].text == "为深入贯彻落实党中央、国务院关于支持民营经济发展的决策部署，现提出以下意见。"
    # 1．2．3． run on across 一、 and 二、.
    assert tree(doc.nodes) == [
        (1, "一、", "减轻企业税费负担"),
        (2, "1．", "降低增值税税率"),
        (2, "2．", "减征地方税费"),
        (1, "二、", "解决融资难融资贵问题"),
        (2, "3．", "设立纾困基金"),
    ]


def test_joint_issuers_sign_above_the_date():
    """联合发文: two issuers, one under the other, then the date; neither is body text."""
    parsed = parse_doc("joint-issuers.txt")
    doc = main_document(parsed)
    assert doc.issuer == "江苏省财政厅、江苏省地方金融监督管理局"
    assert (doc.doc_number, doc.date, doc.province, doc.disclosure) == (
        "苏财金〔2021〕46号", "2021-06-10", "江苏省", "（此件公开发布）")
    assert tree(doc.nodes) == [(1, "一、", "明确奖补对象"), (1, "二、", "规范资金使用")]
    assert find(doc.nodes, "二、").text == "奖补资金专项用于补充担保机构资本金，不得用于其他用途。"
    assert [(d.reason, d.text) for d in parsed.dropped if d.reason in ("issuer", "date")] == [
        ("issuer", "江苏省财政厅"), ("issuer", "江苏省地方金融监督管理局"), ("date", "2021年6月10日"),
    ]


def test_attachment_note_without_the_attachment_is_not_a_document():
    """附件：X above the signature notes an attachment the web copy did not include: it stays a
    paragraph of the notice, and the signature stays the notice's."""
    parsed = parse_doc("notice-attachment-not-copied.txt")
    assert len(parsed.documents) == 1
    doc = parsed.documents[0]
    assert doc.title == "浙江省经济和信息化厅关于公布2021年度浙江省“专精特新”中小企业名单的通知"
    assert (doc.doc_number, doc.issuer, doc.date, doc.recipients, doc.province) == (
        "浙经信企业〔2021〕180号", "浙江省经济和信息化厅", "2021-09-30", "各市经信局", "浙江省")
    assert tree(doc.nodes) == []
    assert doc.nodes[-1].text == "附件：2021年度浙江省“专精特新”中小企业名单"


def test_four_levels_of_numbering_and_circled_numbers():
    doc = main_document(parse_doc("opinion-deep-levels.txt"))
    assert doc.title == "湖南省人民政府办公厅关于促进民营经济高质量发展的实施意见"
    assert (doc.doc_number, doc.issuer, doc.date, doc.province) == (
        "湘政办发〔2020〕18号", "湖南省人民政府办公厅", "2020-05-12", "湖南省")
    assert doc.recipients == "各市州人民政府，省政府各厅委、各直属机构"
    assert tree(doc.nodes) == [
        (1, "一、", "优化发展环境"),
        (2, "（一）", "降低市场准入门槛"),
        (3, "1.", "放宽准入领域"),
        (3, "2.", "简化审批程序"),
        (4, "（1）", "全面推行告知承诺制"),
        (4, "（2）", "推进“证照分离”改革"),
        (4, "（3）", "压缩企业开办时间至1个工作日以内"),
        (3, "3.", "规范中介服务"),
        (4, "①", "中介服务机构应当公开服务内容和收费标准"),
        (4, "②", "审批部门不得指定中介服务机构"),
        (2, "（二）", "保障公平竞争"),
        (1, "二、", "强化要素支撑"),
        (2, "（三）", "加大金融支持"),
        (3, "1.", "扩大信贷投放"),
        (3, "2.", "发展直接融资"),
        (2, "（四）", "保障用地需求"),
    ]
    # （二）保障公平竞争。 alone, then a paragraph: the paragraph is its text.
    assert find(doc.nodes, "（二）").text == "全面落实公平竞争审查制度，清理废除妨碍统一市场和公平竞争的各种规定和做法。"
    # The run-in text of 2. comes before its list items.
    assert find(doc.nodes, "2.").children[0].text == "推行企业投资项目承诺制，实现审批事项网上办理。具体包括："


def test_plan_with_preface_and_chapters():
    doc = main_document(parse_doc("plan-preface-chapters.txt"))
    assert doc.title == "湖州市“十四五”数字经济发展规划"
    assert (doc.province, doc.region) == ("浙江省", "湖州市")
    assert tree(doc.nodes) == [
        (1, "", "前言"),
        (1, "第一章", "发展基础与面临形势"),
        (2, "第一节", "发展基础"),
        (2, "第二节", "面临形势"),
        (1, "第二章", "总体要求"),
        (2, "第一节", "指导思想"),
        (2, "第二节", "发展目标"),
        (1, "第三章", "保障措施"),
    ]
    # The preface is a part of the tree holding its paragraphs, as a chapter holds its articles.
    assert doc.nodes[0].children[0].text.startswith("“十四五”时期是湖州市加快数字化改革")
    assert find(doc.nodes, "第三章").text == "加强组织领导，完善政策体系，强化人才支撑。"


def test_pdf_paste_lines_are_joined_and_page_furniture_dropped():
    parsed = parse_doc("pdf-paste-wrapped.txt")
    doc = main_document(parsed)
    assert doc.title == "四川省人民政府关于加快推进新型城镇化建设的实施意见"
    assert (doc.doc_number, doc.issuer, doc.date, doc.province) == (
        "川府发〔2016〕12号", "四川省人民政府", "2016-04-20", "四川省")
    assert doc.recipients == "各市（州）、县（市、区）人民政府，省政府各部门、各直属机构"
    assert tree(doc.nodes) == [
        (1, "一、", "总体要求"),
        (2, "（一）", "指导思想"),
        (2, "（二）", "发展目标"),
        (1, "二、", "重点任务"),
        (2, "（三）", "积极推进农业转移人口市民化"),
        (2, "（四）", "全面提升城市功能"),
        (1, "三、", "保障措施"),
        (2, "（五）", "加强组织领导"),
    ]
    assert doc.nodes[0].text == (
        "为深入贯彻落实《国务院关于深入推进新型城镇化建设的若干意见》（国发〔2016〕8号），"
        "加快推进我省新型城镇化建设，现提出以下实施意见。"
    )
    assert find(doc.nodes, "（三）").text == (
        "全面放开除成都市以外的城市落户限制，以合法稳定住所或合法稳定职业为户口迁移基本条件。完善居住证制度，"
        "保障居住证持有人享有义务教育、就业、基本公共卫生等基本公共服务。"
    )
    dropped = {(d.reason, d.text.replace(" ", "")) for d in parsed.dropped}
    assert {("page number", "-1-"), ("page number", "-2-"), ("page number", "-3-")} <= dropped
    toc = [d.text for d in parsed.dropped if d.reason == "table of contents"]
    assert len(toc) == 4 and toc[1].startswith("一、总体要求…")
    assert not any("…" in text for text in clause_texts(doc.nodes))


def test_file_without_headings_is_one_document_of_paragraphs():
    parsed = parse_doc("plain-no-headings.txt")
    assert len(parsed.documents) == 1
    doc = parsed.documents[0]
    assert doc.title == "关于进一步做好冬季供暖保障工作的通知"
    assert tree(doc.nodes) == []
    assert clause_texts(doc.nodes) == [
        "各供热企业要提前做好设备检修和燃料储备工作，确保按时供暖、稳定供暖，室内温度不低于18摄氏度。",
        "各地住房城乡建设部门要加强对供热企业的监督检查，畅通群众投诉渠道，及时处理供热问题。",
        "对困难群众的供暖费用，各地要按规定给予补贴，确保困难群众温暖过冬。",
    ]


def test_traditional_text_with_pinyin_noise():
    parsed = parse_doc("traditional-pinyin.txt")
    doc = main_document(parsed)
    assert doc.title == "廣東省人民政府關於進一步降低實體經濟企業成本的若干政策措施"
    assert (doc.issuer, doc.date, doc.province) == ("廣東省人民政府", "2018-08-31", "广东省")
    assert tree(doc.nodes) == [
        (1, "一、", "降低企業稅收負擔"),
        (2, "（一）", "落實國家稅收優惠政策"),
        (2, "（二）", "降低企業用地成本"),
        (1, "二、", "降低企業融資成本"),
        (2, "（三）", "加大信貸支持力度"),
        (2, "（四）", "發展多層次資本市場"),
    ]
    assert find(doc.nodes, "（一）").text == "全面落實小微企業稅收優惠政策，調整完善研發費用加計扣除政策。"
    assert find(doc.nodes, "（二）").text.endswith("標準的70%執行。")
    # 熱門推薦 and the links after it are web boilerplate.
    assert [d.text for d in parsed.dropped if d.reason == "boilerplate"] == [
        "熱門推薦", "廣東出臺降成本新政", "深圳發布營商環境改革措施",
    ]


@pytest.mark.parametrize("copy,original,encoding", [
    ("measures-articles-no-chapters.gbk.txt", "measures-articles-no-chapters.txt", "gbk"),
    ("opinion-deep-levels.utf16.txt", "opinion-deep-levels.txt", "utf-16"),
])
def test_other_encodings_parse_like_the_utf8_original(copy, original, encoding):
    a, b = parse_doc(copy), parse_doc(original)
    assert a.encoding == encoding and b.encoding == "utf-8"
    assert [d.to_json() for d in a.documents] == [d.to_json() for d in b.documents]


def test_dates_in_chinese_numerals():
    doc = main_document(parse_text("某某条例\n\n二〇〇四年六月二十六日\n\n第一条　为了规范管理，制定本条例。\n"))
    assert doc.date == "2004-06-26"
    doc = main_document(parse_text("某某办法\n\n第一条　为了规范管理，制定本办法。\n\n某某市人民政府\n二〇一九年十二月三十一日\n"))
    assert doc.date == "2019-12-31"


@pytest.mark.parametrize("name", ["plan-decimal-numbering.txt", "national-notice.txt", "measures-articles-no-chapters.txt"])
def test_province_override(name):
    parsed = parse_doc(name, province="山西")
    assert {(d.province, d.region) for d in parsed.documents} == {("山西省", None)}
    parsed = parse_doc(name, province="忻州")
    assert {(d.province, d.region) for d in parsed.documents} == {("山西省", "忻州市")}


def test_unknown_province_override_is_refused():
    with pytest.raises(InputError) as info:
        parse_doc("national-notice.txt", province="火星")
    assert str(info.value).startswith("unknown province '火星'")


FIXTURES = sorted(p.name for p in DOCS.glob("*.txt"))


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_text_is_kept_exactly_once(name):
    assert coverage_problems(DOCS / name, parse_doc(name)) == []
