"""Reading source files: the encodings policy documents come in, and a clear one-line refusal
for everything that is not a text file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store.errors import InputError
from store.readers import read_path
from store.readers.text import decode

TEXT = (
    "辽宁省降低实体经济企业成本工作实施方案\n\n"
    "　　一、总体要求\n"
    "　　（一）指导思想。全面贯彻党的十八大和十八届三中、四中、五中全会精神，降低企业成本2.5%。\n"
    "　　（二）目标任务。经过1—2年努力，降低实体经济企业成本工作取得初步成效。\n"
)
TRADITIONAL = "廣東省人民政府關於進一步降低實體經濟企業成本的若干政策措施\n　　一、降低企業稅收負擔\n"


def read_source(path: Path, **kwargs) -> tuple[bytes, str, str]:
    """The file through the registry (refusals, size limit), and its decoded text, which the
    text reader's blocks are the lines of."""
    source = read_path(path, **kwargs)
    text, encoding = decode(path.read_bytes())
    assert [block.text for block in source.blocks] == text.replace("\ufeff", "").splitlines()
    assert source.encoding == encoding and source.format == "text"
    return path.read_bytes(), text, encoding


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        read_source(path, **kwargs)
    message = str(info.value)
    assert message and "\n" not in message, message
    return message


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("text", [TEXT, TRADITIONAL])
@pytest.mark.parametrize("codec,recorded", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8 (BOM)"),
    ("gbk", "gbk"),
    ("utf-16", "utf-16"),  # Python writes a BOM (little-endian)
    ("utf-16-le", "utf-16-le"),  # no BOM
    ("utf-16-be", "utf-16-be"),  # no BOM
])
def test_decodes_and_records_the_encoding(tmp_path, text, codec, recorded):
    path = write(tmp_path, text.encode(codec))
    raw, decoded, encoding = read_source(path)
    assert raw == path.read_bytes()
    assert decoded.replace("\ufeff", "") == text
    assert encoding == recorded


def test_utf16_big_endian_with_bom(tmp_path):
    path = write(tmp_path, b"\xfe\xff" + TEXT.encode("utf-16-be"))
    _raw, decoded, encoding = read_source(path)
    assert (decoded.lstrip("\ufeff"), encoding) == (TEXT, "utf-16")


def test_gb18030_characters_outside_gbk(tmp_path):
    """䶮 is in GB18030 but not in GBK: the file is read as GB18030, not refused."""
    text = TEXT + "　　（三）王䶮同志负责牵头落实。\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    _raw, decoded, encoding = read_source(write(tmp_path, text.encode("gb18030")))
    assert (decoded, encoding) == (text, "gb18030")


def test_gbk_is_not_mistaken_for_utf8_or_mojibake():
    text, encoding = decode("各市人民政府，省政府各厅委、各直属机构：".encode("gbk"))
    assert (text, encoding) == ("各市人民政府，省政府各厅委、各直属机构：", "gbk")


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("data,reason", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a PNG image: it holds no text"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(200), "a ZIP archive: unpack it"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "a spreadsheet or presentation"),
    (b"SQLite format 3\x00" + bytes(200), "an SQLite database"),
])
def test_refuses_binary_formats_by_name(tmp_path, data, reason):
    assert refusal(write(tmp_path, data)).startswith(reason)


def test_refuses_nul_bytes(tmp_path):
    data = "第一条　为了规范管理，制定本办法。\n".encode() + b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 40
    assert "binary data" in refusal(write(tmp_path, data))


def test_refuses_an_empty_file(tmp_path):
    assert refusal(write(tmp_path, b"")).startswith("empty file")


@pytest.mark.parametrize("blank", [" \n\n\t  \r\n", "\u3000\u3000\n\u3000\n", "\ufeff\n\n"])
def test_refuses_a_file_of_whitespace(tmp_path, blank):
    assert refusal(write(tmp_path, blank.encode("utf-8"))).startswith("empty file")


def test_refuses_undecodable_bytes(tmp_path):
    data = bytes(b for _ in range(20) for b in range(0x80, 0x100))
    assert refusal(write(tmp_path, data)).startswith("cannot decode")


def test_refuses_control_characters(tmp_path):
    data = b"\x01\x02\x03\x04\x05\x06\x07\x08abc" * 50
    assert "control characters" in refusal(write(tmp_path, data))


def test_refuses_a_missing_path(tmp_path):
    assert refusal(tmp_path / "no-such-file.txt") == "no such file"


def test_refuses_a_folder(tmp_path):
    folder = tmp_path / "policies.txt"
    folder.mkdir()
    assert refusal(folder) == "is a folder, not a file"


def test_refuses_a_file_over_the_size_limit(tmp_path):
    path = write(tmp_path, TEXT.encode("utf-8") * 20)
    size = path.stat().st_size
    message = refusal(path, max_bytes=size - 1)
    assert message.startswith("too large")
    # At the limit exactly it is read.
    assert read_source(path, max_bytes=size)[2] == "utf-8"


def _counts(db: Path) -> tuple:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("documents", "sections", "clauses")) + (
            conn.execute("SELECT group_concat(title, '|') FROM documents").fetchone()[0],)


def test_import_refuses_a_50_mb_file_and_keeps_the_database(tmp_path):
    """A real 50 MB file: refused by its size before it is read, with one clear line."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "POLICY_REVIEW_DB": str(tmp_path / "default.db"),
           "POLICY_REVIEW_CONFIG": str(tmp_path / "config.toml")}
    script = Path(sys.executable).with_name("policy-review")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]
    db = tmp_path / "review.db"
    small = write(tmp_path, TEXT.encode("utf-8"), "small.txt")
    first = subprocess.run(command + ["import", "--db", str(db), "--no-keywords", str(small)],
                           capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    before = _counts(db)
    assert before[0] == 1

    big = tmp_path / "corpus.txt"
    block = TEXT.encode("utf-8") * 4096
    with big.open("wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(block)
        handle.truncate(50 * 1024 * 1024)
    assert big.stat().st_size == 50 * 1024 * 1024

    result = subprocess.run(command + ["import", "--db", str(db), "--no-keywords", str(big)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines() == [
        f"{big}: refused: too large: 50.0 MB (limit 20 MB); split it into one file per document",
        "1 file: 1 refused",
    ]
    assert _counts(db) == before
