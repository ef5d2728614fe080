"""How clause text becomes terminal lines: wrapping that keeps numbers, percentages, badges
and tags whole and indents continuation lines; citations fitted to the width without losing
the 文号 or the date; text kept readable on its background."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style

from store import browse
from tui.colors import contrast, legible_color
from tui.render import StyledLine, cell_width, readable, wrap_line, wrap_offsets
from tui.status import fit_citation


def lines_of(text: str, width: int, **kw) -> list[str]:
    return [text[a:b] for a, b in wrap_offsets(text, width, **kw)]


def test_a_number_with_its_percent_sign_is_never_split():
    text = "失业保险费率由3％降到2％，行业最低基准费率由0.5％左右降至0.2％左右，比例为20％。"
    for width in range(8, 40):
        lines = lines_of(text, width)
        assert "".join(lines) == text
        for line in lines:
            assert not line.startswith(("0％", "％", "5％", ".5")), (width, lines)
        for whole in ("20％", "0.5％", "0.2％"):
            assert any(whole in line for line in lines), (width, whole, lines)


def test_a_number_is_not_split_at_a_line_end():
    text = "近年来我市获得用水用气、信用监管指标全省排名第1，2019年我市执行合同指标全省排名第2"
    for width in range(10, 30):
        for line in lines_of(text, width):
            assert not line.startswith(("019", "19年", "9年")), (width, lines_of(text, width))


def test_badges_and_tags_stay_whole_when_the_head_wraps():
    head = StyledLine("  ").add("（四）降低企业社会保险缴费负担标题很长", "pane--title")
    head.add("  ").add(" ✓已审 ", "pane--badge", whole=True)
    head.add(" ").add("#公积金", "pane--accent", whole=True).add(" ").add("#重点", "pane--accent", whole=True)
    for width in range(14, 50):
        lines = [line.text for line in wrap_line(head, width, hanging="  ")]
        joined = "\n".join(lines)
        assert " ✓已审 " in joined.replace("\n  ", "") or any(" ✓已审 " in line for line in lines)
        for piece in ("✓已审", "#公积金", "#重点"):
            assert any(piece in line for line in lines), (width, lines)
        # continuation lines keep the indent
        assert all(line.startswith("  ") for line in lines[1:]), (width, lines)
        assert all(cell_width(line) <= width for line in lines), (width, lines)


def test_opening_and_closing_punctuation_rules_still_hold():
    text = "（一）指导思想。认真贯彻落实党的十八大和十八届三中、四中、五中全会精神，“十三五”规划。"
    for width in range(6, 30):
        for line in lines_of(text, width)[1:]:
            assert line[0] not in "，。、）”", (width, lines_of(text, width))
        for line in lines_of(text, width)[:-1]:
            assert line[-1] not in "（“", (width, lines_of(text, width))


def _citation(title: str = "辽宁省降低实体经济企业成本工作实施方案") -> browse.Citation:
    return browse.Citation(f"《{title}》", "辽政发〔2016〕65号", "2016-11-08", "辽宁省人民政府", "辽宁省", None,
                           "五、（十九）")


def test_a_citation_that_fits_is_left_whole():
    assert fit_citation(_citation(), 120) == "《辽宁省降低实体经济企业成本工作实施方案》，五、（十九），辽政发〔2016〕65号，2016-11-08"


def test_a_long_citation_shortens_the_title_never_the_number_or_date():
    for width in (80, 70, 60):
        text = fit_citation(_citation("关于吉林省推进供给侧结构性改革落实三去一降一补任务的指导意见附件四"), width)
        assert cell_width(text) <= width, (width, text)
        assert text.endswith("，五、（十九），辽政发〔2016〕65号，2016-11-08"), text
        assert "…》" in text and text.startswith("《关于")


def test_a_citation_in_a_very_narrow_line_cuts_the_path_after_the_title():
    text = fit_citation(_citation(), 44)
    assert text.endswith("辽政发〔2016〕65号，2016-11-08")
    assert cell_width(text) <= 44


def test_the_citation_parts_are_those_of_the_export():
    """One citation builder: the app and the briefing note cite alike (no issuer)."""
    cite = _citation()
    assert cite.parts() == ["《辽宁省降低实体经济企业成本工作实施方案》", "五、（十九）", "辽政发〔2016〕65号", "2016-11-08"]
    assert str(cite) == "，".join(cite.parts())


def test_paths_lose_a_trailing_period():
    assert browse.display_path("第三章第二节6.") == "第三章第二节6"
    assert browse.display_path("二、（二）8．") == "二、（二）8"
    assert browse.display_path("二、¶3") == "二、第3段"
    assert browse.display_path("五、（十九）") == "五、（十九）"


def test_text_on_a_background_is_made_readable():
    orange = (254, 166, 43)
    assert contrast(orange, orange) == 1
    fixed = legible_color(orange, orange)
    assert contrast(fixed, orange) >= 4.5
    for background in [(128, 128, 128), (254, 166, 43), (30, 30, 30), (240, 240, 240), (100, 120, 200)]:
        for foreground in [(128, 128, 128), (200, 200, 200), (20, 20, 20)]:
            assert contrast(legible_color(foreground, background), background) >= 4.5
    style = readable(Style(color=Color.from_rgb(*orange), bgcolor=Color.from_rgb(*orange)))
    assert contrast(tuple(style.color.get_truecolor()), orange) >= 4.5
