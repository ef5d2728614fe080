"""The OFD reader (GB/T 33190) on real OFD files: a 公文 with a red 版头 over two pages and a
one-page 函, read line by line with their pages; scans and broken packages refused."""

from __future__ import annotations

import io
import re
import zipfile

from store.parse import parse_file
from store.readers.layout import printed_page
from tests._format_helpers import block, fixture, read, refusal


def rewritten(prefix: str, change) -> bytes:
    """The fixture's zip with each page's Content.xml passed through `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(fixture(prefix)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("Content.xml") and "/Pages/" in item.filename:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def test_an_official_document_in_reading_order_with_its_pages():
    source = read("ofd1")
    assert (source.format, source.paragraphs, source.warnings) == ("ofd", False, [])
    assert [b.text for b in source.blocks[:4]] == ["测试符路桥区卫生局文件", "路卫发〔2011〕76号", "关于同意张阿三同志辞职的批复",
                                                   "区中医院："]
    assert "red" in block(source, "测试符路桥区卫生局文件").style
    assert {"title", "center", "bold"} <= block(source, "关于同意张阿三同志辞职的批复").style
    assert block(source, "号）文件精神，经研究，同意张阿三同志辞职。").page == 1
    assert [b.page for b in source.blocks[-3:]] == [2, 2, 2]
    assert "right" in block(source, "2011年3月10日").style
    assert source.blocks[-1].text == "测试符路桥区卫生局办公室 2011年3月10日印发"


def test_page_numbers_are_removed_and_recorded():
    source = read("ofd1")
    assert not [b.text for b in source.blocks if re.fullmatch(r"[—\s\d]+", b.text)]
    assert [printed_page(source.info["printed_pages"], page) for page in (1, 2)] == ["1", "2"]
    assert source.info["pages"] == "2"


def test_lines_say_where_a_paragraph_goes_on_and_where_one_starts():
    source = read("ofd2")
    assert block(source, "关于加快南货场铁路涵洞下穿建设的函").style >= {"title"}
    start = block(source, "根据我市2023年房地产用地供应计划，蚌山区东海大道北侧、")
    assert {"indent", "continues"} <= start.style
    assert "continues" not in block(source, "方案，并加快工程施工建设。").style
    assert source.blocks[-1].text == "2023年7月12日" and "right" in source.blocks[-1].style


def test_the_parser_runs_on_the_blocks():
    parsed = parse_file(fixture("ofd1"))
    assert parsed.format == "ofd" and parsed.documents


def test_a_scanned_ofd_is_refused():
    """The 公文 with its text objects replaced by a picture of the page."""
    def scan(content: str) -> str:
        content = re.sub(r"<ofd:TextObject .*?</ofd:TextObject>", "", content, flags=re.DOTALL)
        return content.replace("<ofd:Layer ID=", '<ofd:Layer><ofd:ImageObject ID="9" ResourceID="9" '
                                                  'Boundary="0 0 210 297"/></ofd:Layer><ofd:Layer ID=', 1)
    assert refusal(rewritten("ofd1", scan), ".ofd") == "scanned OFD: no text layer; OCR it first"


def test_a_zip_without_ofd_xml_named_ofd_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("Doc_0/Document.xml", "<Document/>")
    assert refusal(out.getvalue(), ".ofd") == "not an OFD document: the zip has no OFD.xml naming a document"
    assert refusal(out.getvalue(), ".zip").startswith("a ZIP archive")


def test_a_truncated_ofd_is_refused():
    data = fixture("ofd1").read_bytes()
    assert refusal(data[:len(data) // 2], ".ofd").startswith("damaged or truncated OFD file")


def test_a_page_that_is_not_xml_is_refused():
    assert refusal(rewritten("ofd2", lambda content: content[:len(content) // 2]), ".ofd").startswith(
        "damaged or encrypted OFD file: a page is not readable XML")
