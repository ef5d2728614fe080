"""The web-page reader on pages saved from government sites (tests/fixtures/formats/html1–5,
copied byte for byte from ../shared/formats): the document's paragraphs without the site
around them, the information table as metadata, tables as rows, and a one-line refusal for a
page with no document text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from store.readers import read_bytes, read_path
from tests._format_helpers import FORMATS, refusal

HTML1 = FORMATS / "html1_jiangxi_infant_care_opinions.html"
HTML2 = FORMATS / "html2_jiangxi_decree223_floating_population.html"
HTML3 = FORMATS / "html3_yichun_2022_statistical_bulletin.html"
HTML4 = FORMATS / "html4_nansha_scitech_support_measures.html"
HTML5 = FORMATS / "html5_wanzai_2015_statistical_bulletin.html"
ALL = [HTML1, HTML2, HTML3, HTML4, HTML5]

SITE_FURNITURE = ("当前位置", "您现在的位置", "首页", "打印本页", "关闭窗口", "扫一扫", "分享到", "上一篇", "下一篇",
                  "浏览字号", "字体：", "网站地图", "版权所有", "相关解读", "访问量", "GUAN.EXTENSION", "window.")


def texts(path: Path) -> list[str]:
    return [block.text for block in read_path(path).blocks]



# --------------------------------------------------------------------------- the real pages


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:5])
def test_only_the_document_reaches_the_blocks(path):
    source = read_path(path)
    assert source.format == "html" and source.paragraphs
    assert re.fullmatch(r"selectolax \d+\.\d+(\.\d+)?", source.reader)
    for text in (block.text for block in source.blocks):
        assert not any(word in text for word in SITE_FURNITURE), text


def test_html1_information_table_becomes_metadata():
    source = read_path(HTML1)
    assert source.info == {
        "url": "http://www.jiangxi.gov.cn/art/2020/2/26/art_4975_1510362.html",
        "title": "江西省人民政府办公厅关于促进3岁以下婴幼儿照护服务发展的实施意见",
        "index_no": "014500815/2020-02346",
        "issuer": "省政府办公厅",
        "doc_number": "赣府厅发〔2020〕6号",
        "topic": "卫健、体育",
        "date": "2020-02-21",  # 成文日期, not the meta PubDate
        "published": "2020-02-26",  # the page has no 发布日期: its meta PubDate
    }
    body = texts(HTML1)
    assert not any("014500815" in text or "组配分类" in text for text in body)


def test_html1_body_starts_at_the_recipients_and_keeps_the_attachment():
    body = texts(HTML1)
    assert body[0] == "各市、县（区）人民政府，省政府各部门："
    assert "一、总体要求" in body and "（一）建立健全婴幼儿照护服务的供给体系。" in body
    assert body[body.index("2020年2月21日") + 1] == "（此件主动公开）"
    assert body[-1] == "省计划生育协会负责参与婴幼儿照护服务的宣传教育和社会监督。"  # 相关解读 link dropped


def test_html1_style_hints():
    blocks = {block.text: block.style for block in read_path(HTML1).blocks}
    assert blocks["一、总体要求"] == {"bold"}
    assert blocks["促进3岁以下婴幼儿照护服务发展工作部门职责分工"] == {"bold", "center"}
    assert blocks["2020年2月21日"] == {"right"}


def test_html2_decree_header_and_full_width_digits():
    source = read_path(HTML2)
    first, second = source.blocks[:2]
    assert (first.text, second.text) == ("江西省人民政府令", "第223号")
    assert {"center", "bold"} <= first.style and second.style == {"center"}
    assert source.info["doc_number"] == "省政府令第223号"
    assert (source.info["date"], source.info["published"]) == ("2020-03-13", "2020-03-10")
    body = [block.text for block in source.blocks]
    assert any("本办法自２０１１年１１月１日起施行" in text for text in body)
    # an article label in <strong> padded with &nbsp; stays on its article's line
    assert any(text.startswith("\u3000\u3000第二十九条 ") and text.endswith("从其规定。") for text in body)


def test_html3_meta_data_block_and_saved_from_address():
    source = read_path(HTML3)
    assert source.info["url"] == "https://www.yichun.gov.cn/ycsrmzf/tjgb/202305/36796cdc82d04268913f2884cf2fe579.shtml"
    assert (source.info["index_no"], source.info["issuer"], source.info["date"]) == (
        "014717475N/2023-0040295", "宜春市统计局", "2023-04-18")
    assert "doc_number" not in source.info
    first = source.blocks[0]
    assert first.text == "宜春市2022年国民经济和社会发展统计公报" and {"title", "center"} <= first.style
    body = [block.text for block in source.blocks]
    assert "宜春市统计局 \u2002国家统计局宜春调查队" in body and "（2023年4月12日）" in body
    assert "一、综合" in body  # 一 、 综合 in three spans, joined


def test_html4_unquoted_trs_editor_and_title_without_site_name():
    source = read_path(HTML4)
    assert source.info == {"title": "广州南沙新区(自贸片区)促进科技创新产业发展扶持办法", "published": "2017-10-13",
                           "date": "2017-10-13", "issuer": "南沙区发改局"}
    blocks = source.blocks
    assert blocks[0].text.startswith("\u3000\u3000为落实《国务院关于扩大对外开放积极利用外资若干措施的通知》")
    assert blocks[1].text == "\u3000\u3000一、促进高新技术企业发展" and blocks[1].style == {"bold"}
    assert blocks[-1].text.startswith("\u3000\u3000第三十七条 本办法自2017年1月1日起施行")
    articles = [b.text for b in blocks if re.match(r"\u3000*第[一二三四五六七八九十]+条", b.text)]
    assert len(articles) == 37


def test_html5_sections_and_data_table():
    source = read_path(HTML5)
    assert source.info["url"] == "http://www.wanzai.gov.cn/wzxrmzf/tjgb/201705/9c059bf058ef4db8b3c8f920e22186fe.shtml"
    assert source.info["date"] == source.info["published"] == "2017-05-15"  # 发布日期 shown; meta says 2022
    sections = [b.text for b in source.blocks if re.match(r"[一二三四五六七八九十]+、", b.text)]
    assert sections == ["一、综合", "二、农业", "三、工业与建筑业", "四、固定资产投资", "五、国内贸易和服务业",
                        "六、交通、邮电和旅游业", "七、对外经济", "八、金融和保险业", "九、科学技术和教育",
                        "十、文化、卫生和体育事业", "十一、环境保护", "十二、人口与人民生活"]
    tables = [b for b in source.blocks if b.is_table]
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0] == ["产品名称", "计量单位", "产量", "较上年±%"] and rows[1] == ["饮料酒", "千升", "15767", "18.64"]
    assert tables[0].text.splitlines()[1] == "饮料酒\t千升\t15767\t18.64"
    assert source.blocks[-1].text == "\u3000\u3000（万载县统计局）"


# --------------------------------------------------------------------------- layouts and encodings

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>关于印发某某市促进民营经济发展若干措施的通知_政务公开_某某市人民政府</title></head><body>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
{info}
<div id="zoom">
<p>各县（市、区）人民政府，市政府各部门：</p>
<p>　　现将《某某市促进民营经济发展若干措施》印发给你们，请认真贯彻执行。王䶮同志负责牵头落实。</p>
<table border="1"><tr><td rowspan="2">序号</td><td colspan="2">奖补资金（万元）</td></tr>
<tr><td>市级</td><td>县级</td></tr><tr><td>1</td><td>100</td><td>50</td></tr></table>
<p style="text-align:right">某某市人民政府办公室<br>2020年3月5日</p>
<div style="display:none"><p>各县（市、区）人民政府，市政府各部门：</p></div>
</div>
<div class="footer">版权所有：某某市人民政府</div></body></html>"""

LABEL_CELLS = """<table><tr><td>索 引 号</td><td>11100000/2020-00001</td><td>有 效 性</td><td>有效</td></tr>
<tr><td>[发文机关]</td><td>某某市人民政府办公室</td><td>成文日期</td><td>2020年3月5日</td></tr>
<tr><td>发文字号：</td><td><script>var wh = "某政办发〔2020〕3号"; if (wh == "") {document.write("无");}
else {document.write(wh);}</script></td></tr></table>"""


def page(info: str = LABEL_CELLS, charset: str = "utf-8") -> str:
    return PAGE.format(charset=charset, info=info)


def test_label_cells_brackets_and_values_written_by_script():
    source = read_bytes(page().encode("utf-8"), ".html")
    assert source.info == {"title": "关于印发某某市促进民营经济发展若干措施的通知", "index_no": "11100000/2020-00001",
                           "validity": "有效", "issuer": "某某市人民政府办公室", "date": "2020-03-05",
                           "doc_number": "某政办发〔2020〕3号"}


def test_merged_cells_appear_once_and_hidden_copies_are_dropped():
    blocks = read_bytes(page().encode("utf-8"), ".html").blocks
    assert [b.text for b in blocks if not b.is_table] == [
        "各县（市、区）人民政府，市政府各部门：",
        "\u3000\u3000现将《某某市促进民营经济发展若干措施》印发给你们，请认真贯彻执行。王䶮同志负责牵头落实。",
        "某某市人民政府办公室", "2020年3月5日"]
    table = next(b for b in blocks if b.is_table)
    assert table.rows == [["序号", "奖补资金（万元）", ""], ["", "市级", "县级"], ["1", "100", "50"]]


def test_a_page_hidden_until_its_script_reveals_it_is_read():
    """A district portal's <body style='visibility: hidden'> (holdout2's 助餐配餐 办法)."""
    source = read_path(Path(__file__).parent / "fixtures" / "corpus" / "holdout2"
                       / "measures_guangzhou_elderly_meal_services_2024.html")
    found = [block.text.strip() for block in source.blocks]
    assert "广州市老年人助餐配餐服务管理办法" in found
    assert any(text.startswith("第三十八条") for text in found)


def test_a_document_saved_from_word_in_sections_is_read_whole():
    """A notice whose 附表3–6 are in Word's second section (`page: WordSection2`), the page
    without a container the reader knows (holdout2's 就业见习基地 notice)."""
    source = read_path(Path(__file__).parent / "fixtures" / "corpus" / "holdout2"
                       / "notice_guangzhou_employment_internship_bases_2019.html")
    found = [block.text.strip() for block in source.blocks]
    assert found[0] == "穗人社规字〔2019〕6号"
    assert [text for text in found if re.fullmatch(r"附表\d", text)] == [f"附表{n}" for n in range(1, 7)]


@pytest.mark.parametrize("charset", ["gb2312", "GBK", "gb18030"])
def test_every_gb_charset_is_read_as_gb18030(charset):
    """䶮 is outside GB2312 and GBK: a page labelled gb2312 that uses it still reads."""
    source = read_bytes(page(charset=charset).encode("gb18030"), ".htm")
    assert source.encoding == "gb18030"
    assert any("王䶮同志" in block.text for block in source.blocks)


def test_utf8_bom_and_a_page_saved_with_another_suffix(tmp_path):
    path = tmp_path / "t20200305_123.cn"
    path.write_bytes(b"\xef\xbb\xbf" + page().encode("utf-8"))
    source = read_path(path)
    assert (source.format, source.encoding) == ("html", "utf-8 (BOM)")
    assert source.blocks[0].text == "各县（市、区）人民政府，市政府各部门："


def test_a_wrong_charset_label_does_not_garble_the_page():
    """Labelled utf-8, saved as GBK: read as GB18030, not with replacement characters."""
    source = read_bytes(page(charset="utf-8").encode("gbk", "replace"), ".html")
    assert source.encoding == "gb18030"
    assert source.blocks[0].text == "各县（市、区）人民政府，市政府各部门："


def test_info_table_inside_the_container_is_taken_out_of_the_body():
    inside = PAGE.replace('<div id="zoom">', '<div id="zoom"><p>发文字号：某政办发〔2020〕3号　成文日期：2020-03-05</p>')
    source = read_bytes(inside.format(charset="utf-8", info="").encode("utf-8"), ".html")
    assert (source.info["doc_number"], source.info["date"]) == ("某政办发〔2020〕3号", "2020-03-05")
    assert source.blocks[0].text == "各县（市、区）人民政府，市政府各部门："


def test_a_page_without_a_known_container_falls_back_on_its_densest_block():
    unknown = page(info="").replace('<div id="zoom">', '<div class="wenzhang">')
    blocks = read_bytes(unknown.encode("utf-8"), ".html").blocks
    assert blocks[0].text == "各县（市、区）人民政府，市政府各部门："
    assert not any("当前位置" in b.text or "版权所有" in b.text for b in blocks)


def test_thousands_of_unclosed_tags_are_read():
    deep = PAGE.replace('<div id="zoom">', '<div id="zoom">' + "<font>" * 5000)
    blocks = read_bytes(deep.format(charset="utf-8", info="").encode("utf-8"), ".html").blocks
    assert blocks[0].text == "各县（市、区）人民政府，市政府各部门："


@pytest.mark.parametrize("markup", [
    "<html><head><title>某某市人民政府</title></head><body><script>loadContent()</script></body></html>",
    "<html><body><div><a href='/'>首页</a> <a href='/zwgk'>政务公开</a> <a href='/bsfw'>办事服务</a></div></body></html>",
    "<!DOCTYPE html><html><body><div id='zoom'><p>【字体：大 中 小】</p><p>【打印本页】【关闭窗口】</p></div></body></html>",
])
def test_a_page_with_no_document_text_is_refused(markup):
    assert refusal(markup.encode("utf-8"), ".html") == "web page with no document text"


def test_the_html_library_is_loaded_only_when_a_page_is_read():
    probe = ("import sys, store.readers, store.readers.html, store.parse\n"
             "before = 'selectolax' in sys.modules\n"
             f"store.readers.read_path({str(HTML4)!r})\n"
             "print(before, 'selectolax' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).parent.parent)
    assert result.stdout.split() == ["False", "True"], result.stderr
