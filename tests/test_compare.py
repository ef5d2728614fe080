"""Two clauses side by side (store/compare.py): what both say and what each adds, marked on
the texts as written, and the numbers, deadlines and departments that differ."""

from __future__ import annotations

import pytest

from store.compare import compare, dates, numbers, responsible_units
from store.normalize import fold
from store.words import cut

LIAONING = ("严格执行全省企业失业保险单位缴费费率由2%降至1%，个人缴费费率由1%降至0．5%的政策。"
            "（牵头单位：省人力资源社会保障厅、省国资委；配合单位：省财政厅）")
JILIN = "失业保险费率由3％降到2％。（责任单位：省人力资源社会保障厅、省社保局、省财政厅）"
SHANGHAI = "降低社會保險費率,1月1日起,本市養老、醫療和失業保險三個險種總體費率下降2.5個百分點。(牽頭部門:市人力資源社會保障局)"


def shared_text(side) -> str:
    return "".join(piece for piece, shared in side.pieces if shared)


def test_what_both_say_and_what_each_adds_cover_the_texts_as_written():
    result = compare(LIAONING, JILIN)
    for side, text in ((result.left, LIAONING), (result.right, JILIN)):
        assert "".join(piece for piece, _shared in side.pieces) == text
    assert "失业保险" in shared_text(result.left) and "失业保险" in shared_text(result.right)
    assert "个人缴费" in result.left.added
    assert "社保局" in result.right.added
    assert 0 < result.shared < 1


def test_numbers_are_compared_whole_not_digit_by_digit():
    """2% and 1.9% share no 1: without words a number is one token."""
    result = compare("费率由2％左右降至1.9％左右", "费率由2%降至1%")
    assert "1.9" not in shared_text(result.left)
    assert result.numbers.left == ["1.9％"] and result.numbers.right == ["1%"]


def test_traditional_and_simplified_text_compare_as_the_same_words():
    result = compare("降低社会保险费率", SHANGHAI)
    assert shared_text(result.left) == "降低社会保险费率"
    assert "社會保險費率" in shared_text(result.right)


def test_jieba_words_mark_whole_words():
    """With words, a difference is never half a word: 保险费率 is one word in Jilin's text, so
    Liaoning's 保险 … 费率 is not matched inside it."""
    left, right = "失业保险单位缴费费率由2%降至1%", "失业保险费率由3%降到2%"
    result = compare(left, right, words=(cut(fold(left)), cut(fold(right))))
    assert all(piece not in ("保险费", "险费") for piece, _s in result.right.pieces)
    assert result.numbers.left == ["1%"] and result.numbers.right == ["3%"]
    with pytest.raises(ValueError, match="folded texts"):
        compare(left, right, words=(["失业"], ["保险"]))


def test_numbers_and_dates_are_told_apart():
    text = ("从2016年5月1日起两年内，阶段性适当降低住房公积金缴存比例，不得超过12%；"
            "对年应纳税所得额在30万元（含）以下小微企业，其所得减按50％计入，在2017年12月31日前执行，"
            "各地区要在2017年3月底前进行一次评估，3—5年时间退出产能1000万吨，见第2段")
    assert dates(text) == ["2016年5月1日起", "两年内", "2017年12月31日前", "2017年3月底前", "3—5年时间"]
    assert numbers(text) == ["12%", "30万元", "50％", "1000万吨"]
    assert numbers("下降2.5個百分點") == ["2.5個百分點"]


def test_differences_of_numbers_dates_and_departments():
    result = compare(LIAONING + "到2017年年底完成。", JILIN + "2018年底前完成。")
    assert result.numbers.left == ["1%", "0．5%"] and result.numbers.right == ["3％"]
    assert result.dates.left == ["2017年年底"] and result.dates.right == ["2018年底前"]
    assert result.agencies.left == ["省国资委"] and result.agencies.right == ["省社保局"]
    assert not compare(JILIN, JILIN).numbers


def test_responsible_units_in_either_script():
    assert responsible_units(LIAONING) == ["省人力资源社会保障厅", "省国资委", "省财政厅"]
    assert responsible_units(SHANGHAI) == ["市人力資源社會保障局"]
    assert responsible_units("（责任单位：省金融办、人民银行长春中心支行等有关单位）") == ["省金融办", "人民银行长春中心支行"]
    assert responsible_units("没有括号的条款") == []


def test_a_seam_for_another_department_finder():
    result = compare("由省财政厅负责", "由市财政局负责", agencies=lambda text: [w for w in ("省财政厅", "市财政局") if w in text])
    assert (result.agencies.left, result.agencies.right) == (["省财政厅"], ["市财政局"])
