"""Recognising the header and footer lines of an official document: 文号, issuer, date,
主送, 抄送 and the disclosure note (GB/T 9704 版头 and 版记)."""

from __future__ import annotations

import re

from store.parse.numbering import FULLWIDTH_DIGITS, chinese_to_int

_CN_DATE_DIGIT = "〇○零Ｏ0O一二三四五六七八九"
_ARABIC_DATE = r"([0-9０-９]{4})\s*年\s*([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日"
_CHINESE_DATE = rf"([{_CN_DATE_DIGIT}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日"
DATE_RE = re.compile(f"{_ARABIC_DATE}|{_CHINESE_DATE}")

DATE_LINE_RE = re.compile(
    rf"^[（(]?\s*(?:{_ARABIC_DATE}|{_CHINESE_DATE})\s*(?:印发|发布|公布|施行|起施行|通过)?\s*[)）]?$"
)
MONTH_LINE_RE = re.compile(r"^[（(]?\s*(?:[0-9０-９]{4}|[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*[)）]?$")
"""2021年10月 under a plan's title: the month of publication, not text."""


DOC_NUMBER_RE = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*([〔［\[﹝【(（])\s*((?:19|20)[0-9]{2}|(?:19|20)[０-９]{2}|[０-９]{4})\s*([〕］\]﹞】)）])\s*(第?\s*[0-9０-９]{1,5}\s*号)"
)
"""忻政发〔2021〕21号, 国办发[2019]3号, 吉政发﹝2016﹞12号 …"""

ORG_SUFFIXES = (
    "人民政府", "人民政府办公厅", "人民政府办公室", "办公厅", "办公室", "委员会", "常委会", "中央", "司", "处", "监会", "组",
    "管委会", "管理委员会", "领导小组", "政府", "厅", "局", "委", "部", "院", "署", "总局",
    "中心", "协会", "银行", "支行", "分行", "人民法院", "人民检察院", "联合会", "小组",
    "人民政府辦公廳", "辦公廳", "辦公室", "委員會", "管委會", "領導小組", "總局", "聯合會",
)
_ORG_RE = re.compile(r"^[\u4e00-\u9fff（）()、“”\s]{2,50}$")
"""An issuing body's name: Chinese, brackets and the quotes of a programme's name
(推进“三地一区”建设领导小组…办公室)."""

RECIPIENT_HINTS = ("各", "人民政府", "政府", "部门", "单位", "委", "办", "局", "厅", "管委会", "有关")
STANDARD_CODE_RE = re.compile(r"^(?:ICS(?:\s*[0-9.]+)?|CCS\s*[A-Z]\s*[0-9]{0,2}|[A-Z](?:\s*[0-9]{2})?)$")
"""ICS 13.040.40 / Z 60: the classification codes on the cover of a standard."""
STANDARD_KIND_RE = re.compile(r"^(?:中华人民共和国)?(?:国家|[\u4e00-\u9fff]{2,8}行业|[\u4e00-\u9fff]{2,10}地方|团体|企业)标准$")
STANDARD_NUMBER_RE = re.compile(
    r"^((?:GB|GB/T|GB/Z|HJ|HJ/T|DB\s*\d{2}(?:/T)?|[A-Z]{2,4}(?:/T)?)\s*\d+(?:\.\d+)?\s*[－—–-]\s*(?:19|20)?\d{2})$"
)
"""GB 13801－2015, HJ 2.2-2018, DB11/T 1234—2020: a standard's number, its 文号."""
STANDARD_DATES_RE = re.compile(r"^(\d{4}[-－.]\d{1,2}[-－.]\d{1,2})\s*发\s*布\s*(\d{4}[-－.]\d{1,2}[-－.]\d{1,2})\s*实\s*施$")
REPLACES_RE = re.compile(r"^代替\s*\S.{0,40}$")
ISSUED_BY_RE = re.compile(r"^([\u4e00-\u9fff\s]{2,40}?)\s*发\s*布$")
"""环 境 保 护 部 发 布: the issuer at the foot of a standard's cover."""
SEAL_RE = re.compile(r"^[（(][\u4e00-\u9fff]{2,30}(?:代章|代印|印章|盖章)[）)]$")
"""（国家卫生健康委代章）: whose seal stands for the issuer's, under the signature."""
DISCLOSURE_RE = re.compile(r"^[（(]\s*此件[^)）]{0,20}[)）]$")
CC_RE = re.compile(r"^抄\s*送\s*[:：]")
HISTORY_RE = re.compile(
    rf"^(?:[（(][^（）()]*(?:通过|修正|修订|公布|发布|批准)[^（）()]*[)）]"
    rf"|(?:{_ARABIC_DATE}|{_CHINESE_DATE})[^。]{{0,60}}?(?:会议|令)[^。]*(?:通过|修正|修订|公布|发布|批准).*)$"
)
"""（二〇〇四年六月二十六日…会议通过　根据…修正）under a regulation's title."""
PRINTED_RE = re.compile(rf"^.{{0,40}}?(?:{_ARABIC_DATE}|{_CHINESE_DATE})\s*印\s*发$")
"""版记: 忻州市人民政府办公室 2021年10月22日印发."""


_ROC_DATE_RE = re.compile(r"民[國国]\s*([0-9０-９]{2,3})\s*年\s*([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日")
"""民國 111 年 01 月 12 日: the Republic of China calendar (year 1 = 1912) of Taiwan's texts."""


def parse_date(text: str) -> str | None:
    """The first full date in text as ISO yyyy-mm-dd: 2016年11月8日, 二〇〇四年六月二十六日 and
    民國111年1月12日."""
    roc = _ROC_DATE_RE.search(text) if "民" in text else None
    if roc:
        y, mo, d = (int(g.translate(FULLWIDTH_DIGITS)) for g in roc.groups())
        return f"{y + 1911:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    m = DATE_RE.search(text)
    if not m:
        return None
    if m.group(1):
        y, mo, d = (int(g.translate(FULLWIDTH_DIGITS)) for g in m.group(1, 2, 3))
    else:
        year = m.group(4).translate(str.maketrans("○零ＯO0", "〇〇〇〇〇"))
        y = chinese_to_int(year)
        mo, d = chinese_to_int(m.group(5)), chinese_to_int(m.group(6))
        if y is None or mo is None or d is None:
            return None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2200):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def iso_date(value: str) -> str | None:
    """2017-05-15 10:49:00, 2020.02.05, 2020/2/5 → 2017-05-15."""
    m = re.match(r"\s*(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})", value)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def find_doc_number(text: str) -> str | None:
    m = DOC_NUMBER_RE.search(text)
    if not m:
        return None
    prefix, _open, year, _close, number = m.groups()
    # Keep the brackets as printed but drop stray spaces: 忻政发〔2021〕21号.
    return re.sub(r"\s+", "", m.group(0))


def is_doc_number_line(line: str) -> bool:
    if len(line) > 45:
        return False
    m = DOC_NUMBER_RE.search(line)
    return bool(m) and len(line) - (m.end() - m.start()) <= 12


RED_HEADER_RE = re.compile(r"^([\u4e00-\u9fff（）()、\s]{2,40}?)\s*文\s*件$")
"""版头: 浙江省人民政府办公厅文件 above the 文号."""


def red_header_issuer(line: str) -> str | None:
    m = RED_HEADER_RE.match(line)
    if m and is_org_line(m.group(1)):
        return re.sub(r"\s+", "", m.group(1))
    return None


def is_org_line(line: str) -> bool:
    """A line that is only the name of an issuing body: 辽宁省人民政府, 忻州市人民政府办公室, or the
    names of joint issuers side by side (国家能源局综合司 国家矿山安全监察局综合司)."""
    if not _ORG_RE.match(line) or "，" in line or "。" in line:
        return False
    compact = re.sub(r"\s+", "", line)
    return compact.endswith(ORG_SUFFIXES) and (len(compact) <= 40 or len(org_names(line)) > 1)


def org_names(line: str) -> list[str]:
    """The issuing bodies a signature line names: several set side by side with spaces or 、,
    or one whose characters are spaced out (国 务 院)."""
    parts = [p for p in re.split(r"[\s、]+", line.strip()) if p]
    if len(parts) > 1 and all(len(p) >= 2 and p.endswith(ORG_SUFFIXES) for p in parts):
        return parts
    return [re.sub(r"\s+", "", line)]


DECREE_HEADER_RE = re.compile(r"^([\u4e00-\u9fff]{2,30}?)\s*令$")
"""The head of a decree: 国家安全生产监督管理总局令, 山东省人民政府令, 中华人民共和国国务院令."""
DECREE_SEQUENCE_RE = re.compile(r"^[（(〔\[]?\s*第\s*([0-9０-９]{1,5}|[一二三四五六七八九十百零〇]{1,8})\s*号\s*[)）〕\]]?$")
"""The decree's number on the line under its head: 第85号."""
DECREE_NUMBER_RE = re.compile(
    r"([\u4e00-\u9fff]{1,30}?(?:令|公告))\s*[\[［〔（(【]?\s*(第\s*[0-9０-９]{1,5}\s*号)"
)
"""A decree or announcement number in a sentence or note: 国务院令[第296号], 粤府令第197号,
省人民代表大会常务委员会公告第14号."""
SIGNATORY_RE = re.compile(
    r"^[\u4e00-\u9fff]{0,12}(?:长|主任|书记|总理|主席|委员)[\s\u3000]+[\u4e00-\u9fff·]{2,4}$"
)
"""The signature of the head of an office under a decree: 局长　杨焕宁, 省长 李干杰."""


def decree_number(text: str) -> str | None:
    m = DECREE_NUMBER_RE.search(text)
    if not m:
        return None
    return re.sub(r"\s+", "", _without_lead_in(m.group(1)) + m.group(2)).translate(FULLWIDTH_DIGITS)


_LEAD_INS = ("日", "以", "经", "由", "于", "即", "据", "在", "的")


def _without_lead_in(name: str) -> str:
    """2018年4月26日山东省人民政府令, 以粤府令: the words a note runs into a name are not part of it."""
    cut = max((name.rfind(word, 0, len(name) - 1) for word in _LEAD_INS), default=-1)
    return name[cut + 1:] if cut >= 0 else name


_SESSION_BODY_RE = re.compile(
    r"((?:[\u4e00-\u9fff]{2,12}?[省市区州县盟旗])?)第[一二三四五六七八九十]{1,3}届"
    r"(全国人民代表大会(?:常务委员会)?|人民代表大会(?:常务委员会)?)"
)
"""…第十三届全国人民代表大会第三次会议通过, 广东省第十届人民代表大会常务委员会第十三次会议: the
legislature that adopted a law."""


def adopting_body(text: str) -> str | None:
    """The body named in an adoption note (…会议通过), or the head of a decree (…令): the
    document's issuer when nothing else names it."""
    m = _SESSION_BODY_RE.search(text)
    if m:
        return _without_lead_in(m.group(1)) + m.group(2)
    number = decree_number(text)
    if number:
        name = re.sub(r"(?:令|公告)第.*$", "", number)
        if name.endswith(ORG_SUFFIXES) and len(name) >= 2:
            return name
    return None


_RELATIVE_NAME_RE = re.compile(r"^(?:省|市|县|縣|区|區|州|盟|旗|自治区)(?:政府|委|人大|人民政府|政协)")


def is_relative_name(name: str) -> bool:
    """省政府办公厅, 市财政局: a body named relative to its place, as a site's table often does."""
    return bool(_RELATIVE_NAME_RE.match(name))


def title_issuer(title: str) -> str | None:
    """The issuer a notice's title names before 关于: 国家能源局关于印发… → 国家能源局."""
    position = title.find("关于")
    if position < 0:
        position = title.find("關於")
    if position < 2:
        return None
    head = title[:position].strip()
    if is_org_line(head):
        return "、".join(org_names(head))
    return None


def split_org_date(line: str) -> tuple[str, str] | None:
    """辽宁省人民政府　2016年11月8日 on one line → (issuer, date)."""
    m = DATE_RE.search(line)
    if not m or m.end() != len(line.rstrip()):
        return None
    head = line[: m.start()].strip(" \t\u3000")
    if head and is_org_line(head):
        date = parse_date(line)
        if date:
            return head, date
    return None


def is_recipients_line(line: str) -> bool:
    """主送: 各市人民政府，省政府各厅委、各直属机构： — organisations, ending with a colon."""
    if not line.endswith(("：", ":")) or "。" in line or len(line) > 300:
        return False
    body = line[:-1]
    if len(body) < 2 or body.startswith(("附件", "抄送")):
        return False
    # A list of bodies (各市人民政府，省政府各厅委、各直属机构), not a sentence that happens to end
    # with a colon (为做好…，经省政府同意，现就有关事项通知如下：).
    items = [item for item in re.split(r"[，、,；;]", body) if item]
    if any(len(item) > 30 for item in items):
        return False
    bodies = sum(1 for item in items if item.startswith("各") or item.endswith(_RECIPIENT_ENDINGS))
    return bodies >= 0.6 * len(items) and any(hint in body for hint in RECIPIENT_HINTS)


_RECIPIENT_ENDINGS = (
    "政府", "部门", "单位", "机构", "委", "办", "局", "厅", "会", "院", "企业", "公司", "集团", "部", "署",
    "中心", "学校", "高校", "医院", "银行", "处", "室", "所", "站", "队", "区", "县", "市", "州", "盟", "旗",
    "乡镇", "街道", "党委", "党组", "组织", "人员", "同志",
)


def clean_cc(text: str) -> str:
    body = CC_RE.sub("", text).strip()
    body = re.sub(r"\s+", "", body)
    return body.rstrip("。.")


_INFO_KEYS = {
    "索引号": None, "主题分类": None, "主题词": None, "体裁分类": None, "组配分类": None, "服务对象": None,
    "公开方式": None, "公开范围": None, "信息来源": None, "有效性": None, "时效性": None, "有效期": None,
    "生效日期": None, "废止日期": None, "所属机构": None, "发布日期": "published", "实施日期": None,
    "失效日期": None, "统一编号": None, "文件状态": "validity", "分类": None, "来源": "url",
    "检索时间": None, "检索关键词": None, "采集时间": None, "抓取时间": None,  # a crawler's own fields
    "发文机关": "issuer", "发布机构": "issuer", "发布机关": "issuer", "发文单位": "issuer", "成文日期": "date",
    "标题": "title", "名称": "title", "发文字号": "doc_number", "文号": "doc_number",
}
_INFO_FIELD_RE = re.compile(
    r"(索\s*引\s*号|主题分类|主\s*题\s*词|体裁分类|组配分类|服务对象|公开方式|公开范围|信息来源|有\s*效\s*性|时\s*效\s*性|"
    r"有\s*效\s*期|生效日期|废止日期|所属机构|发布日期|发文机关|发布机构|发布机关|发文单位|成文日期|实施日期|失效日期|"
    r"统一编号|文件状态|标\s*题|名\s*称|发文字号|文\s*号|分\s*类|来\s*源|检索时间|检索关键词|采集时间|抓取时间)"
    r"\s*[:：]\s*"
)


def info_label_key(line: str) -> str | None:
    """The field a label of the information table gives (issuer, date, title, doc_number), or
    None for the fields this program does not use."""
    m = _INFO_FIELD_RE.match(line)
    return _INFO_KEYS["".join(m.group(1).split())] if m else None


def info_table_fields(line: str) -> dict[str, str] | None:
    """The fields of a line of the information table that government sites print above a
    document (索引号, 发文机关, 成文日期, 标题, 发文字号 …), or None when it is not one. A line
    may hold several fields. Returns the fields this program uses: issuer, date, title,
    doc_number."""
    if not _INFO_FIELD_RE.match(line):
        return None
    fields: dict[str, str] = {}
    matches = list(_INFO_FIELD_RE.finditer(line))
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(line)
        key = _INFO_KEYS["".join(m.group(1).split())]
        value = line[m.end():end].strip()
        if key in ("date", "published"):
            value = parse_date(value) or iso_date(value)
        elif key == "url" and not re.match(r"https?://\S+$", value):
            continue  # 来源：某某市人民政府办公室 names a source, not an address
        if key and value:
            fields[key] = value
    return fields
