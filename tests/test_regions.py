"""The built-in table of Chinese divisions and the heuristics that place a document.

Wrong places are silent errors (a document filed under the wrong province is simply never
found), so these tests pin real issuers, titles and 文号 to the places a reader would expect.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from store import regions
from store.regions import (
    NATIONAL,
    PROVINCES,
    UNKNOWN,
    Place,
    canonical_province,
    count_mentions,
    locate,
    place_from_name,
    province_from_doc_number,
    province_rank,
    regions_of,
    short_name,
)

CONVENTIONAL_ORDER = (
    "北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 "
    "江西省 山东省 河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 "
    "陕西省 甘肃省 青海省 宁夏回族自治区 新疆维吾尔自治区 台湾省 香港特别行政区 澳门特别行政区"
).split()

# County-level units listed as regions because they report to the province directly.
DIRECTLY_ADMINISTERED = {
    "河南省": {"济源市"},
    "湖北省": {"仙桃市", "潜江市", "天门市", "神农架林区"},
    "海南省": {"五指山市", "琼海市", "文昌市", "万宁市", "东方市"},
    "新疆维吾尔自治区": {"石河子市", "阿拉尔市", "图木舒克市", "五家渠市", "北屯市", "铁门关市", "双河市",
                       "可克达拉市", "昆玉市", "胡杨河市", "新星市", "白杨市"},
}

# Prefecture-level units per province (2024), not counting DIRECTLY_ADMINISTERED.
PREFECTURE_COUNTS = {
    "河北省": 11, "山西省": 11, "内蒙古自治区": 12, "辽宁省": 14, "吉林省": 9, "黑龙江省": 13,
    "江苏省": 13, "浙江省": 11, "安徽省": 16, "福建省": 9, "江西省": 11, "山东省": 16, "河南省": 17,
    "湖北省": 13, "湖南省": 14, "广东省": 21, "广西壮族自治区": 14, "海南省": 4, "四川省": 21,
    "贵州省": 9, "云南省": 16, "西藏自治区": 7, "陕西省": 10, "甘肃省": 14, "青海省": 8,
    "宁夏回族自治区": 5, "新疆维吾尔自治区": 14,
}


# --- the table ---------------------------------------------------------------------------

def test_provinces_in_conventional_order():
    assert PROVINCES == tuple(CONVENTIONAL_ORDER)
    assert len(PROVINCES) == 34


def test_rank_puts_national_first_and_unknown_last():
    assert province_rank(NATIONAL) == 0
    assert province_rank("北京市") == 1
    assert province_rank("辽宁省") == 6
    assert province_rank("澳门特别行政区") == 34
    assert province_rank(UNKNOWN) == 35
    assert province_rank("火星") == 35
    assert sorted([UNKNOWN, "上海市", NATIONAL, "北京市"], key=province_rank) == [
        NATIONAL, "北京市", "上海市", UNKNOWN]


@pytest.mark.parametrize("full, short", [
    ("辽宁省", "辽宁"), ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("宁夏回族自治区", "宁夏"),
    ("新疆维吾尔自治区", "新疆"), ("西藏自治区", "西藏"), ("香港特别行政区", "香港"), ("澳门特别行政区", "澳门"),
    ("黑龙江省", "黑龙江"), ("上海市", "上海"), (NATIONAL, NATIONAL), (UNKNOWN, UNKNOWN),
])
def test_short_name(full, short):
    assert short_name(full) == short


@pytest.mark.parametrize("province, count", list(PREFECTURE_COUNTS.items()))
def test_prefecture_counts(province, count):
    extra = DIRECTLY_ADMINISTERED.get(province, set())
    assert extra <= set(regions_of(province))
    assert len(regions_of(province)) - len(extra) == count


def test_333_prefecture_level_units_in_all():
    total = sum(len(regions_of(p)) for p in PROVINCES)
    extra = sum(len(v) for v in DIRECTLY_ADMINISTERED.values())
    assert total - extra == 333


def test_named_regions_present():
    assert "忻州市" in regions_of("山西省")
    assert regions_of("吉林省")[-1] == "延边朝鲜族自治州"
    assert "大兴安岭地区" in regions_of("黑龙江省")
    assert "阿拉善盟" in regions_of("内蒙古自治区")
    assert {"三沙市", "儋州市"} <= set(regions_of("海南省"))
    assert "莱芜市" not in regions_of("山东省")  # merged into 济南 in 2019
    assert regions_of("辽宁")[0] == "沈阳市"  # short names work too
    assert regions_of("河北省")[0] == "石家庄市"


@pytest.mark.parametrize("province", ["北京市", "天津市", "上海市", "重庆市", "台湾省", "香港特别行政区",
                                      "澳门特别行政区", NATIONAL, UNKNOWN, "nonsense"])
def test_no_regions(province):
    assert regions_of(province) == ()


def test_region_names_unique_and_well_formed():
    # No prefecture-level name repeats across provinces, so a region alone fixes its province.
    names = [r for p in PROVINCES for r in regions_of(p)]
    assert len(names) == len(set(names))
    assert not set(names) & set(PROVINCES)
    assert all(r.endswith(("市", "自治州", "地区", "盟", "林区")) for r in names)
    shorts = [regions._region_short(r) for r in names]
    assert len(shorts) == len(set(shorts))
    assert all(len(s) >= 2 for s in shorts)


def test_autonomous_prefecture_short_names():
    assert regions._region_short("延边朝鲜族自治州") == "延边"
    assert regions._region_short("海西蒙古族藏族自治州") == "海西"
    assert regions._region_short("克孜勒苏柯尔克孜自治州") == "克孜勒苏"
    assert regions._region_short("博尔塔拉蒙古自治州") == "博尔塔拉"
    assert regions._region_short("黔东南苗族侗族自治州") == "黔东南"
    assert regions._region_short("大兴安岭地区") == "大兴安岭"
    assert regions._region_short("神农架林区") == "神农架"


# --- locate ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("辽宁省人民政府", Place("辽宁省")),
    ("甘肃省工业领域去产能去库存降成本实施方案", Place("甘肃省")),
    ("忻州市人民政府", Place("山西省", "忻州市")),
    ("关于吉林省推进供给侧结构性改革落实“三去一降一补”任务的指导意见", Place("吉林省")),
    ("吉林市人民政府", Place("吉林省", "吉林市")),
    ("吉林省吉林市人民政府", Place("吉林省", "吉林市")),
    ("山西省忻州市人民政府办公室", Place("山西省", "忻州市")),
    ("中共辽宁省委 辽宁省人民政府", Place("辽宁省")),
    ("中共忻州市委 忻州市人民政府", Place("山西省", "忻州市")),
    ("辽宁省发展改革委", Place("辽宁省")),
    ("辽宁省财政厅", Place("辽宁省")),
    ("内蒙古自治区人民政府", Place("内蒙古自治区")),
    ("阿拉善盟行政公署", Place("内蒙古自治区", "阿拉善盟")),
    ("大兴安岭地区行政公署", Place("黑龙江省", "大兴安岭地区")),
    ("延边朝鲜族自治州人民政府", Place("吉林省", "延边朝鲜族自治州")),
    ("延边州人民政府", Place("吉林省", "延边朝鲜族自治州")),
    ("海南州人民政府", Place("青海省", "海南藏族自治州")),
    ("海南省人民政府", Place("海南省")),
    ("石河子市人民政府", Place("新疆维吾尔自治区", "石河子市")),
    ("中国（上海）自由贸易试验区管理委员会", Place("上海市")),
    ("关于支持广西加快发展的意见", Place("广西壮族自治区")),
    ("浙江西部山区发展规划", Place("浙江省")),  # leftmost-longest: not 江西
    ("忻州、吕梁两市协同发展方案", Place("山西省", "忻州市")),
    ("乌鲁木齐高新区管委会", Place("新疆维吾尔自治区", "乌鲁木齐市")),
])
def test_locate_places(text, expected):
    assert locate(text) == expected


@pytest.mark.parametrize("text", [
    "国务院办公厅", "国务院关于印发“十三五”国家战略性新兴产业发展规划的通知", "国家发展改革委",
    "国家税务总局", "中共中央 国务院", "财政部 税务总局", "工业和信息化部", "人力资源社会保障部 财政部",
    "中国人民银行", "发展改革委 财政部", "市场监管总局", "《国务院关于支持辽宁省的若干意见》",
])
def test_locate_national(text):
    assert locate(text) == Place(NATIONAL)


@pytest.mark.parametrize("text, expected", [
    ("国家税务总局辽宁省税务局", Place("辽宁省")),
    ("国家税务总局忻州市税务局", Place("山西省", "忻州市")),
    ("中国人民银行沈阳分行", Place("辽宁省", "沈阳市")),
])
def test_locate_local_offices_of_central_bodies(text, expected):
    assert locate(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("上海市職工社保費率下調", Place("上海市")),
    ("遼寧省人民政府", Place("辽宁省")),
    ("廣東省人民政府", Place("广东省")),
    ("廣州市人民政府", Place("广东省", "广州市")),
    ("內蒙古自治區", Place("内蒙古自治区")),
    ("臺灣地區", Place("台湾省")),
    ("台灣", Place("台湾省")),
    ("陝西省", Place("陕西省")),
    ("貴州省", Place("贵州省")),
    ("雲南省", Place("云南省")),
    ("黑龍江省", Place("黑龙江省")),
    ("寧夏回族自治區", Place("宁夏回族自治区")),
    ("新疆維吾爾自治區", Place("新疆维吾尔自治区")),
    ("澳門特別行政區", Place("澳门特别行政区")),
    ("香港", Place("香港特别行政区")),
    ("瀋陽市", Place("辽宁省", "沈阳市")),
    ("國務院辦公廳", Place(NATIONAL)),
])
def test_locate_traditional(text, expected):
    assert locate(text) == expected


def test_every_name_survives_traditional_conversion():
    """The built-in character map must cover every name as OpenCC writes it in traditional."""
    opencc = pytest.importorskip("opencc")
    converters = [opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk")]
    names = [Place(p) for p in PROVINCES] + [Place(p, r) for p in PROVINCES for r in regions_of(p)]
    for place in names:
        name = place.region or place.province
        for converter in converters:
            assert locate(converter.convert(name)) == place, converter.convert(name)
    for issuer in ("国务院办公厅", "国家发展改革委", "国家税务总局", "人力资源社会保障部"):
        for converter in converters:
            assert locate(converter.convert(issuer)) == Place(NATIONAL)


@pytest.mark.parametrize("text", [
    "关于进一步做好稳就业工作的意见",
    "关于推进供给侧结构性改革的实施意见",
    "朝阳区人民政府",  # Beijing's district, not 辽宁 朝阳市
    "兴安县人民政府",  # Guangxi, not 兴安盟
    "甘南县人民政府",  # Heilongjiang, not 甘南州
    "构建东方大国的发展格局",
    "世界大同的理想",
    "",
    "   ",
])
def test_locate_nothing(text):
    assert locate(text) is None


def test_region_short_names_need_a_place_like_context():
    assert locate("忻州人民政府") == Place("山西省", "忻州市")
    assert locate("大连高新区") is None  # 大连 followed by an ordinary word
    assert locate("支持大连") == Place("辽宁省", "大连市")  # at the end of the text
    assert locate("抚顺县人民政府") == Place("辽宁省", "抚顺市")
    assert locate("山西忻州") == Place("山西省", "忻州市")


# --- 文号 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number, expected", [
    ("辽政发〔2016〕58号", Place("辽宁省")),
    ("晋政办发〔2020〕1号", Place("山西省")),
    ("沪府发〔2016〕1号", Place("上海市")),
    ("吉政发〔2016〕12号", Place("吉林省")),
    ("粤府〔2018〕3号", Place("广东省")),
    ("黔府发〔2017〕8号", Place("贵州省")),
    ("贵府发〔2017〕8号", Place("贵州省")),
    ("云政发〔2018〕1号", Place("云南省")),
    ("内政发〔2016〕120号", Place("内蒙古自治区")),
    ("新政发〔2017〕3号", Place("新疆维吾尔自治区")),
    ("遼政發〔2016〕58號", Place("辽宁省")),
    ("国发〔2016〕48号", Place(NATIONAL)),
    ("国办发〔2019〕3号", Place(NATIONAL)),
    ("国函〔2017〕1号", Place(NATIONAL)),
    ("财税〔2019〕13号", Place(NATIONAL)),
    ("发改产业〔2016〕1号", Place(NATIONAL)),
    ("忻政发〔2021〕21号", None),
    ("台政发〔2020〕1号", None),  # 台州, not Taiwan
    ("云浮〔2020〕1号", None),
    ("", None),
    ("辽", None),
])
def test_province_from_doc_number(number, expected):
    assert province_from_doc_number(number) == expected


# --- names typed by a user -----------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("辽", "辽宁省"), ("辽宁", "辽宁省"), ("辽宁省", "辽宁省"), (" 辽宁省 ", "辽宁省"), ("遼寧", "辽宁省"),
    ("忻州", "山西省"), ("忻州市", "山西省"), ("延边", "吉林省"), ("延边州", "吉林省"),
    ("内蒙古", "内蒙古自治区"), ("内蒙", "内蒙古自治区"), ("蒙", "内蒙古自治区"),
    ("广西", "广西壮族自治区"), ("广西自治区", "广西壮族自治区"), ("桂", "广西壮族自治区"),
    ("晋", "山西省"), ("沪", "上海市"), ("京", "北京市"), ("粤", "广东省"),
    ("黔", "贵州省"), ("贵", "贵州省"), ("滇", "云南省"), ("云", "云南省"), ("陕", "陕西省"), ("秦", "陕西省"),
    ("甘", "甘肃省"), ("陇", "甘肃省"), ("吉林", "吉林省"), ("海南", "海南省"),
    ("全国", NATIONAL), ("国家", NATIONAL), ("中央", NATIONAL),
    ("abc", None), ("火星", None), ("", None), (UNKNOWN, None), ("辽宁省省", None),
])
def test_canonical_province(name, expected):
    assert canonical_province(name) == expected


def test_place_from_name_keeps_the_region():
    assert place_from_name("忻州") == Place("山西省", "忻州市")
    assert place_from_name("忻州市") == Place("山西省", "忻州市")
    assert place_from_name("山西") == Place("山西省", None)
    assert place_from_name("吉林市") == Place("吉林省", "吉林市")
    assert place_from_name("吉林") == Place("吉林省")
    assert place_from_name("东方") == Place("海南省", "东方市")  # exact input: no ambiguity
    assert place_from_name("全国") == Place(NATIONAL)
    assert place_from_name("nowhere") is None


# --- body mentions -----------------------------------------------------------------------

def test_count_mentions():
    text = ("为推动东北地区振兴，辽宁省、吉林省和黑龙江省要加强协作。辽宁要发挥沈阳市、大连市的带动作用，"
            "吉林市和延边州加快发展，内蒙古自治区东部盟市参照执行。大同理想，中山精神。")
    assert count_mentions(text) == Counter({
        "辽宁省": 4, "吉林省": 3, "黑龙江省": 1, "内蒙古自治区": 1})


def test_count_mentions_empty():
    assert count_mentions("") == Counter()
    assert count_mentions("关于进一步做好稳就业工作的意见") == Counter()


def test_count_mentions_traditional():
    assert count_mentions("廣東省與廣西壯族自治區，廣州市") == Counter({"广东省": 2, "广西壮族自治区": 1})


# --- module hygiene ----------------------------------------------------------------------

def test_module_is_stdlib_only():
    """store must stay importable without the UI (and without third-party packages)."""
    code = ("import sys, store.regions; "
            "bad = [m for m in ('textual', 'opencc', 'jieba', 'rich') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == ""
