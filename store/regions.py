"""China's provincial and prefecture-level divisions, and finding which one a document
belongs to.

Documents rarely say "this is a Shanxi document" in a structured field: the place has to be
read off the issuer (忻州市人民政府), the title (关于吉林省推进…), the 文号 (辽政发〔2016〕58号)
or, failing those, the body. This module holds a built-in table (no network, no dependency:
the tool is offline) and the few heuristics that turn such strings into a ``Place``.

The table lists every prefecture-level unit as of 2024 (333: 地级市, 自治州, 地区, 盟) plus
the county-level cities and 林区 that report directly to their province (济源市, 仙桃市,
石河子市, 五指山市, 神农架林区 …), because documents issued by those name no prefecture above
them. The four municipalities, Hong Kong, Macau and Taiwan have no sub-regions here.

Stdlib only and cheap to import: the CLI imports it on every run.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

NATIONAL = "全国"
UNKNOWN = "未知"


@dataclass(frozen=True)
class Place:
    province: str  # full name ("山西省"), or NATIONAL
    region: str | None = None  # full prefecture-level name ("忻州市"), or None


# full name, short name, one-character abbreviation, space-separated regions in the order
# the National Bureau of Statistics lists them (directly administered county-level units last).
_DATA = (
    ("北京市", "北京", "京", ""),
    ("天津市", "天津", "津", ""),
    ("河北省", "河北", "冀", "石家庄市 唐山市 秦皇岛市 邯郸市 邢台市 保定市 张家口市 承德市 沧州市 廊坊市 衡水市"),
    ("山西省", "山西", "晋", "太原市 大同市 阳泉市 长治市 晋城市 朔州市 晋中市 运城市 忻州市 临汾市 吕梁市"),
    ("内蒙古自治区", "内蒙古", "蒙", "呼和浩特市 包头市 乌海市 赤峰市 通辽市 鄂尔多斯市 呼伦贝尔市 巴彦淖尔市 "
     "乌兰察布市 兴安盟 锡林郭勒盟 阿拉善盟"),
    ("辽宁省", "辽宁", "辽", "沈阳市 大连市 鞍山市 抚顺市 本溪市 丹东市 锦州市 营口市 阜新市 辽阳市 盘锦市 "
     "铁岭市 朝阳市 葫芦岛市"),
    ("吉林省", "吉林", "吉", "长春市 吉林市 四平市 辽源市 通化市 白山市 松原市 白城市 延边朝鲜族自治州"),
    ("黑龙江省", "黑龙江", "黑", "哈尔滨市 齐齐哈尔市 鸡西市 鹤岗市 双鸭山市 大庆市 伊春市 佳木斯市 七台河市 "
     "牡丹江市 黑河市 绥化市 大兴安岭地区"),
    ("上海市", "上海", "沪", ""),
    ("江苏省", "江苏", "苏", "南京市 无锡市 徐州市 常州市 苏州市 南通市 连云港市 淮安市 盐城市 扬州市 镇江市 "
     "泰州市 宿迁市"),
    ("浙江省", "浙江", "浙", "杭州市 宁波市 温州市 嘉兴市 湖州市 绍兴市 金华市 衢州市 舟山市 台州市 丽水市"),
    ("安徽省", "安徽", "皖", "合肥市 芜湖市 蚌埠市 淮南市 马鞍山市 淮北市 铜陵市 安庆市 黄山市 滁州市 阜阳市 "
     "宿州市 六安市 亳州市 池州市 宣城市"),
    ("福建省", "福建", "闽", "福州市 厦门市 莆田市 三明市 泉州市 漳州市 南平市 龙岩市 宁德市"),
    ("江西省", "江西", "赣", "南昌市 景德镇市 萍乡市 九江市 新余市 鹰潭市 赣州市 吉安市 宜春市 抚州市 上饶市"),
    ("山东省", "山东", "鲁", "济南市 青岛市 淄博市 枣庄市 东营市 烟台市 潍坊市 济宁市 泰安市 威海市 日照市 "
     "临沂市 德州市 聊城市 滨州市 菏泽市"),
    ("河南省", "河南", "豫", "郑州市 开封市 洛阳市 平顶山市 安阳市 鹤壁市 新乡市 焦作市 濮阳市 许昌市 漯河市 "
     "三门峡市 南阳市 商丘市 信阳市 周口市 驻马店市 济源市"),
    ("湖北省", "湖北", "鄂", "武汉市 黄石市 十堰市 宜昌市 襄阳市 鄂州市 荆门市 孝感市 荆州市 黄冈市 咸宁市 "
     "随州市 恩施土家族苗族自治州 仙桃市 潜江市 天门市 神农架林区"),
    ("湖南省", "湖南", "湘", "长沙市 株洲市 湘潭市 衡阳市 邵阳市 岳阳市 常德市 张家界市 益阳市 郴州市 永州市 "
     "怀化市 娄底市 湘西土家族苗族自治州"),
    ("广东省", "广东", "粤", "广州市 韶关市 深圳市 珠海市 汕头市 佛山市 江门市 湛江市 茂名市 肇庆市 惠州市 "
     "梅州市 汕尾市 河源市 阳江市 清远市 东莞市 中山市 潮州市 揭阳市 云浮市"),
    ("广西壮族自治区", "广西", "桂", "南宁市 柳州市 桂林市 梧州市 北海市 防城港市 钦州市 贵港市 玉林市 百色市 "
     "贺州市 河池市 来宾市 崇左市"),
    ("海南省", "海南", "琼", "海口市 三亚市 三沙市 儋州市 五指山市 琼海市 文昌市 万宁市 东方市"),
    ("重庆市", "重庆", "渝", ""),
    ("四川省", "四川", "川", "成都市 自贡市 攀枝花市 泸州市 德阳市 绵阳市 广元市 遂宁市 内江市 乐山市 南充市 "
     "眉山市 宜宾市 广安市 达州市 雅安市 巴中市 资阳市 阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州"),
    ("贵州省", "贵州", "黔", "贵阳市 六盘水市 遵义市 安顺市 毕节市 铜仁市 黔西南布依族苗族自治州 "
     "黔东南苗族侗族自治州 黔南布依族苗族自治州"),
    ("云南省", "云南", "滇", "昆明市 曲靖市 玉溪市 保山市 昭通市 丽江市 普洱市 临沧市 楚雄彝族自治州 "
     "红河哈尼族彝族自治州 文山壮族苗族自治州 西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 "
     "怒江傈僳族自治州 迪庆藏族自治州"),
    ("西藏自治区", "西藏", "藏", "拉萨市 日喀则市 昌都市 林芝市 山南市 那曲市 阿里地区"),
    ("陕西省", "陕西", "陕", "西安市 铜川市 宝鸡市 咸阳市 渭南市 延安市 汉中市 榆林市 安康市 商洛市"),
    ("甘肃省", "甘肃", "甘", "兰州市 嘉峪关市 金昌市 白银市 天水市 武威市 张掖市 平凉市 酒泉市 庆阳市 定西市 "
     "陇南市 临夏回族自治州 甘南藏族自治州"),
    ("青海省", "青海", "青", "西宁市 海东市 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 "
     "玉树藏族自治州 海西蒙古族藏族自治州"),
    ("宁夏回族自治区", "宁夏", "宁", "银川市 石嘴山市 吴忠市 固原市 中卫市"),
    ("新疆维吾尔自治区", "新疆", "新", "乌鲁木齐市 克拉玛依市 吐鲁番市 哈密市 昌吉回族自治州 "
     "博尔塔拉蒙古自治州 巴音郭楞蒙古自治州 阿克苏地区 克孜勒苏柯尔克孜自治州 喀什地区 和田地区 "
     "伊犁哈萨克自治州 塔城地区 阿勒泰地区 石河子市 阿拉尔市 图木舒克市 五家渠市 北屯市 铁门关市 双河市 "
     "可克达拉市 昆玉市 胡杨河市 新星市 白杨市"),
    ("台湾省", "台湾", "台", ""),
    ("香港特别行政区", "香港", "港", ""),
    ("澳门特别行政区", "澳门", "澳", ""),
)

# Traditional -> simplified for every character that occurs in the names above and in the
# national-body prefixes, generated once with OpenCC s2t/s2tw/s2hk (plus 崑, which OpenCC
# writes only in the whole word 崑玉) and frozen here so that this module needs no dependency.
# Per-character folding is enough because only names are matched, never whole sentences.
_TRAD = ("萬業東臨麗義烏樂鄉於雲亞產會倫體餘蘭關興內岡軍農涼則別辦務區華協衛衞廳廈縣雙發臺"
         "號呂吳員團國圖場壩壯頭婁學寧寶審賓爾崗島巖嶺嶽峽峯廣莊慶應開張彥懷態總揚撫護無晉"
         "術權來楊棗樹檢畢匯漢瀋滄滬瀘澤濟溫遊灣濱濰潛煙瑪環瓊電鹽監盤稅粵紅納紹統綏維綿聯"
         "肅節蕪蘆蘇荊營薩計許設證識貝貢財貴賀資贛輸邊遼達遷運遠連郵鄭鄲裏裡欽鐵銅銀錫錦鎮"
         "長門閩陽隴陝險隨頂順頗饒馬駐魯鮮雞鴨鶴鷹黃齊龍崑質")
_SIMP = ("万业东临丽义乌乐乡于云亚产会伦体余兰关兴内冈军农凉则别办务区华协卫卫厅厦县双发台"
         "号吕吴员团国图场坝壮头娄学宁宝审宾尔岗岛岩岭岳峡峰广庄庆应开张彦怀态总扬抚护无晋"
         "术权来杨枣树检毕汇汉沈沧沪泸泽济温游湾滨潍潜烟玛环琼电盐监盘税粤红纳绍统绥维绵联"
         "肃节芜芦苏荆营萨计许设证识贝贡财贵贺资赣输边辽达迁运远连邮郑郸里里钦铁铜银锡锦镇"
         "长门闽阳陇陕险随顶顺颇饶马驻鲁鲜鸡鸭鹤鹰黄齐龙昆质")
_TO_SIMPLIFIED = str.maketrans(_TRAD, _SIMP)

PROVINCES: tuple[str, ...] = tuple(row[0] for row in _DATA)
_RANK = {name: i for i, name in enumerate(PROVINCES, 1)}
_RANK[NATIONAL] = 0
_SHORT = {row[0]: row[1] for row in _DATA}
_SHORT[NATIONAL] = NATIONAL
_REGIONS = {row[0]: tuple(row[3].split()) for row in _DATA}
_REGION_PROVINCE = {region: province for province, regions in _REGIONS.items() for region in regions}

# Ethnic names inside 自治州 names; stripping them gives the name people actually use (延边).
_ETHNIC = ("朝鲜族", "土家族", "苗族", "藏族", "羌族", "彝族", "布依族", "侗族", "哈尼族", "壮族", "傣族",
           "白族", "景颇族", "傈僳族", "回族", "蒙古族", "蒙古", "柯尔克孜", "哈萨克")

# Other spellings that count as full names.
_FULL_ALIASES = {"广西自治区": "广西壮族自治区", "宁夏自治区": "宁夏回族自治区", "新疆自治区": "新疆维吾尔自治区",
                 "内蒙古区": "内蒙古自治区"}

# Region short names of two characters need a following character from _SHORT_FOLLOW (or a
# non-Chinese one, or the end of the text): bare 大同, 朝阳, 中山 are ordinary words too. 区 is
# deliberately absent: 朝阳区 (Beijing), 西安区 (Liaoyuan), 大同区 (Daqing) lie elsewhere.
_SHORT_FOLLOW = frozenset("市县州盟地政人委")
# Region short names never matched in running text: ordinary words (东方, 新星, 白杨, 双河) or
# names shared with a county elsewhere (兴安县 in Guangxi, 兴安区 in Yichun).
_SHORT_DENY = frozenset({"兴安", "东方", "新星", "白杨", "双河"})
# short name + following character naming a county of another province (甘南县 is in Qiqihar).
_SHORT_FOLLOW_DENY = frozenset({"甘南县"})

# Abbreviations accepted by place_from_name (the CLI override); some provinces have two.
_EXTRA_ABBREVIATIONS = {"贵": "贵州省", "云": "云南省", "秦": "陕西省", "陇": "甘肃省", "蜀": "四川省"}

_NATIONAL_WORDS = frozenset({NATIONAL, "国家", "中央", "中国", "全国性", "中华人民共和国"})

# How issuers and titles of central bodies begin. 国家 covers 国家发展改革委, 国家税务总局 …
_NATIONAL_PREFIXES = (
    "国务院", "中共中央", "中央", "全国", "国家", "中华人民共和国", "中国人民银行", "人民银行",
    "最高人民法院", "最高人民检察院", "外交部", "国防部", "发展改革委", "发展和改革委员会", "发改委",
    "教育部", "科技部", "科学技术部", "工业和信息化部", "工信部", "公安部", "民政部", "司法部", "财政部",
    "人力资源社会保障部", "人力资源和社会保障部", "人社部", "自然资源部", "国土资源部", "生态环境部",
    "环境保护部", "住房城乡建设部", "住房和城乡建设部", "交通运输部", "水利部", "农业农村部", "农业部",
    "商务部", "文化和旅游部", "文化部", "卫生健康委", "卫生计生委", "卫生部", "退役军人事务部",
    "应急管理部", "审计署", "国资委", "海关总署", "税务总局", "市场监管总局", "工商总局", "质检总局",
    "广电总局", "体育总局", "银保监会", "中国银保监会", "证监会", "中国证监会", "银监会", "中国银监会",
    "保监会", "中国保监会", "金融监管总局", "中国民用航空局", "民航局", "全国总工会", "共青团中央",
)
# Local offices of central bodies: 国家税务总局辽宁省税务局, 中国人民银行沈阳分行 are local.
_BRANCH_WORDS = ("税务局", "分行", "中心支行", "监管局", "监管分局", "调查总队", "海关", "营业管理部")

# 文号 prefixes of central bodies other than 国… (国发, 国办发, 国函, 国科发 …).
_NATIONAL_DOC_PREFIXES = ("中发", "中办发", "发改", "财", "工信部", "人社部", "银保监", "证监", "银发", "税总")
# 内 (内政发), 云 and 贵 are read as provinces only before 政/府/办: 云浮, 贵港 and others use
# the same character for their own numbers.
_DOC_CONDITIONAL = {"云": "云南省", "贵": "贵州省", "内": "内蒙古自治区"}


def _region_short(region: str) -> str:
    """延边朝鲜族自治州 -> 延边, 阿拉善盟 -> 阿拉善, 大兴安岭地区 -> 大兴安岭, 忻州市 -> 忻州."""
    if region.endswith("自治州"):
        stem = region[:-3]
        stripped = True
        while stripped:
            stripped = False
            for ethnic in _ETHNIC:
                if stem.endswith(ethnic) and len(stem) > len(ethnic):
                    stem, stripped = stem[: -len(ethnic)], True
                    break
        return stem
    for suffix in ("地区", "林区", "盟", "市"):
        if region.endswith(suffix):
            return region[: -len(suffix)]
    return region


class _Tables:
    """Name -> Place lookups. Built on first use rather than at import, so that commands which
    never locate anything (and the UI start-up) do not pay for them."""

    def __init__(self) -> None:
        provinces = {p: Place(p) for p in PROVINCES}
        regions = {r: Place(p, r) for r, p in _REGION_PROVINCE.items()}
        self.region_short = {r: _region_short(r) for r in _REGION_PROVINCE}
        # Full names (stage one of locate, and count_mentions): safe to match anywhere.
        self.full: dict[str, Place] = {**provinces, **regions}
        self.full.update({alias: provinces[p] for alias, p in _FULL_ALIASES.items()})
        for region, short in self.region_short.items():
            if region.endswith("自治州"):  # nearly always written 延边州 in issuers
                self.full[short + "州"] = regions[region]
        self.province_shorts = {row[1]: provinces[row[0]] for row in _DATA}
        self.province_shorts["内蒙"] = provinces["内蒙古自治区"]
        # 吉林 and 海南 are provinces first; those regions are reached via 吉林市 / 海南州.
        self.region_shorts = {short: regions[region] for region, short in self.region_short.items()
                              if short not in self.province_shorts and short not in _SHORT_DENY}
        # exact names for place_from_name: every region short, the denied ones too (东方 is 东方市)
        self.exact: dict[str, Place] = {short: regions[region] for region, short in self.region_short.items()
                                        if short not in self.province_shorts}
        self.exact.update({row[2]: provinces[row[0]] for row in _DATA})
        self.exact.update({a: provinces[p] for a, p in _EXTRA_ABBREVIATIONS.items()})
        self.exact.update(self.province_shorts)
        self.exact.update(self.full)
        self.exact.update({w: Place(NATIONAL) for w in _NATIONAL_WORDS})
        # For each first character, the key lengths to try, longest first: most characters of a
        # body start no name at all, which keeps count_mentions fast on long bodies.
        lengths: dict[str, set[int]] = {}
        for key in (*self.full, *self.province_shorts, *self.region_shorts):
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}
        self.doc_abbreviations = {row[2]: row[0] for row in _DATA if row[2] != "台"}


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


def _normalise(text: str) -> str:
    return text.translate(_TO_SIMPLIFIED)


def _strip(text: str) -> str:
    return _normalise(text).strip().lstrip("《“\"'「『【（( ")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _short_region_ok(text: str, start: int, key: str) -> bool:
    """Whether a region short name at text[start:] reads as a place rather than a word."""
    if len(key) >= 3:  # 乌鲁木齐, 马鞍山, 连云港: distinctive enough on their own
        return True
    end = start + len(key)
    if end == len(text):
        return True
    nxt = text[end]
    if key + nxt in _SHORT_FOLLOW_DENY:
        return False
    return nxt in _SHORT_FOLLOW or not _is_han(nxt)


def _match_at(text: str, i: int, full: bool, short: bool,
              region_shorts: bool = True) -> tuple[int, Place] | None:
    """Longest name starting at text[i]: (length, place). full: full names; short: province
    short names, and region short names too when region_shorts."""
    t = _tables()
    lengths = t.lengths.get(text[i]) if i < len(text) else None
    if not lengths:
        return None
    for length in lengths:
        if i + length > len(text):
            continue
        key = text[i:i + length]
        if full and key in t.full:
            return length, t.full[key]
        if short:
            if key in t.province_shorts:
                return length, t.province_shorts[key]
            if region_shorts and key in t.region_shorts and _short_region_ok(text, i, key):
                return length, t.region_shorts[key]
    return None


def _scan(text: str, full: bool, short: bool, region_shorts: bool = True):
    """Leftmost-longest, non-overlapping names in text: yields (start, length, place)."""
    i, n = 0, len(text)
    while i < n - 1:
        found = _match_at(text, i, full, short, region_shorts)
        if found:
            yield i, found[0], found[1]
            i += found[0]
        else:
            i += 1


def _refine(text: str, start: int, length: int, place: Place, short: bool) -> Place:
    """山西省忻州市… reads as 忻州, not as the province: take a region that follows at once."""
    if place.region is not None or place.province == NATIONAL:
        return place
    nxt = _match_at(text, start + length, True, short)
    if nxt and nxt[1].province == place.province and nxt[1].region:
        return nxt[1]
    return place


def province_rank(province: str) -> int:
    """Sort key putting 全国 first, then the conventional province order, then the unknown."""
    return _RANK.get(province, len(PROVINCES) + 1)


def short_name(province: str) -> str:
    """The name used in narrow columns and headings; unknown input comes back unchanged."""
    return _SHORT.get(province, province)


def regions_of(province: str) -> tuple[str, ...]:
    """Prefecture-level regions of a province (full or short name), in the NBS order."""
    if province in _REGIONS:
        return _REGIONS[province]
    place = _tables().province_shorts.get(_normalise(province).strip())
    return _REGIONS[place.province] if place else ()


def place_from_name(name: str) -> Place | None:
    """Read a place typed by a user: full or short province name, one-character abbreviation
    (辽, 晋, 沪, 黔/贵 …), a region with or without its suffix (忻州市, 忻州, 延边州), or a word for
    the whole country (全国, 国家, 中央). Exact match only: this is for the --province
    override, where guessing would hide typos."""
    return _tables().exact.get(_normalise(name).strip())


def canonical_province(name: str) -> str | None:
    """Full province name (or 全国) for anything place_from_name accepts."""
    place = place_from_name(name)
    return place.province if place else None


def _branch_place(text: str) -> Place | None:
    """A place name directly followed by a branch word, in the name of a central body."""
    t = _tables()
    for i in range(len(text) - 1):
        for length in t.lengths.get(text[i], ()):
            key = text[i:i + length]
            place = t.full.get(key) or t.province_shorts.get(key) or t.region_shorts.get(key)
            if place and text.startswith(_BRANCH_WORDS, i + length):
                return place
    return None


def locate(text: str) -> Place | None:
    """The place an issuer name or a title refers to, or None.

    Rules, in order (text is first folded from traditional to simplified characters):

    1. Text beginning with a central body (国务院, 中共中央, 国家…, 财政部, 发展改革委 …) is
       national, unless a place name in it is directly followed by a branch word (国家税务总局
       辽宁省税务局, 中国人民银行沈阳分行): those are local offices of central bodies.
    2. The leftmost full name wins: province (辽宁省), region (忻州市, 阿拉善盟), or
       autonomous prefecture written as 延边州. 吉林市 is the city; only 吉林省 is the province.
    3. Otherwise the leftmost short name: a province (辽宁, 内蒙古) anywhere, or a region
       without its suffix. A two-character region (忻州, 延边) counts only when followed by one
       of 市县州盟地政人委, by a non-Chinese character (punctuation, digits) or by the end of
       the text, because many are ordinary words (大同, 朝阳) or the names of districts in other
       provinces (朝阳区, 西安区); longer ones (乌鲁木齐, 马鞍山) count anywhere. A few short
       names are never matched in running text (兴安, 东方, 新星, 白杨, 双河).

    A province directly followed by one of its own regions (山西省忻州市) gives the region.
    Overlaps are resolved leftmost-longest, so 浙江西部 is 浙江, not 江西.
    """
    text = _strip(text)
    if not text:
        return None
    if text.startswith(_NATIONAL_PREFIXES):
        return _branch_place(text) or Place(NATIONAL)
    for short in (False, True):
        first = next(_scan(text, not short, short), None)
        if first:
            return _refine(text, *first, short)
    return None


def province_from_doc_number(doc_number: str) -> Place | None:
    """Province (or 全国) from the organ code at the front of a 文号.

    Only a hint: city codes sometimes reuse a province's character (南京 宁政发, 青岛 青政发,
    甘孜 甘府发), so the issuer should win when it names a place. 台 is not read as Taiwan because
    台州 numbers its documents 台政发. City codes like 忻政发 give None.
    """
    text = _strip(doc_number)
    if len(text) < 2:
        return None
    if text.startswith("国") or text.startswith(_NATIONAL_DOC_PREFIXES):
        return Place(NATIONAL)
    first, second = text[0], text[1]
    if not _is_han(second):
        return None
    if first in _DOC_CONDITIONAL:
        return Place(_DOC_CONDITIONAL[first]) if second in "政府办" else None
    province = _tables().doc_abbreviations.get(first)
    return Place(province) if province else None


def count_mentions(text: str) -> collections.Counter[str]:
    """Province mentions in a body (full or short province names, full region names), for a
    last-resort guess when neither issuer nor title names a place. Region short names are left
    out: over a whole body the ordinary-word readings (大同, 中山) would add noise."""
    counts: collections.Counter[str] = collections.Counter()
    for _start, _length, place in _scan(_normalise(text), True, True, region_shorts=False):
        counts[place.province] += 1
    return counts
