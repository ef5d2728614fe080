"""Word's automatic numbering rendered as the reader of the document sees it: 第一章, 第五条,
（三）, 1., iv. Word stores only a format per list level ("第%1章" with chineseCounting); the
labels exist nowhere in the text, so a reader that skips them loses the document's headings.

Formats are named as in Office Open XML (w:numFmt); the binary .doc format numbers the same
formats (nfc), mapped in NFC_NAMES.
"""

from __future__ import annotations

_DIGITS = "〇一二三四五六七八九"
_COUNTING = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_TRADITIONAL = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

NFC_NAMES = {
    0: "decimal", 1: "upperRoman", 2: "lowerRoman", 3: "upperLetter", 4: "lowerLetter",
    5: "ordinal", 10: "ideographDigital", 11: "japaneseCounting", 14: "decimalFullWidth",
    15: "decimalHalfWidth", 16: "japaneseLegal", 18: "decimalEnclosedCircle",
    19: "decimalFullWidth2", 22: "decimalZero", 23: "bullet", 26: "decimalEnclosedFullstop",
    27: "decimalEnclosedParen", 28: "decimalEnclosedCircleChinese", 29: "ideographEnclosedCircle",
    30: "ideographTraditional", 31: "ideographZodiac", 33: "taiwaneseCounting",
    34: "ideographLegalTraditional", 35: "taiwaneseCountingThousand", 36: "taiwaneseDigital",
    37: "chineseCounting", 38: "chineseLegalSimplified", 39: "chineseCountingThousand",
    255: "none",
}
"""The binary format's number format codes (nfc, [MS-DOC] 2.9.1xx / [MS-OI29500]) by name."""


def chinese_counting(n: int, digits: str = _COUNTING, units: str = "十百千") -> str:
    """一, 十, 十一, 二十, 一百零五: how Chinese documents count chapters and articles."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return "".join(_DIGITS[int(d)] for d in str(n))
    out = ""
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = n // power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += ("" if digit == 1 and unit == units[0] and not out else digits[digit]) + unit
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    """a … z, aa … zz: Word repeats the letter rather than counting in base 26."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """The label of item n (1-based) in a Word number format; unknown formats as decimals."""
    if fmt in ("japaneseCounting", "chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
               "taiwaneseCountingThousand"):
        return chinese_counting(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return chinese_counting(n, _LEGAL_DIGITS, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _TRADITIONAL[(n - 1) % 10]
    if fmt in ("ideographZodiac", "ideographZodiacTraditional"):
        return _ZODIAC[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)
