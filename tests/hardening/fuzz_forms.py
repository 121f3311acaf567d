"""What the form fuzz tests share: submissions built field by field, files an attacker uploads,
a one-query row census, and the checks every answer must pass.

A submission fills most fields with values the form accepts and breaks a few (left out, or
`garbage`: fuzz.value plus digits, numbers, dates and markup that broke code here before), so
that a bad value also reaches the code behind the fields that did pass. Run deeper by hand with
OPSBOARD_FUZZ_EXAMPLES=2000 (tests/hardening/conftest.py).
"""

import io
import re
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import strategies as st
from PIL import Image

from tests.hardening.fuzz import FRAGMENTS, value

# Digits that str.isdigit() accepts and int() refuses (superscripts), or that int() reads
# (Arabic-Indic, fullwidth), and numbers past int()'s 4,300-digit limit.
DIGIT_TRAPS = ["²", "¹²³", "①", "١٢٣", "１２", "𝟙", "9" * 5000, "0" * 20 + "1"]
# Numbers at the edges of the database's integer and decimal columns and of floats.
NUMBERS = [
    "-1",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "1e40",
    "-1e40",
    "1e308",
    "1e-400",
    "0.0000001",
    "123456789.123456789",
    "NaN",
    "-inf",
]
# Dates and years at the calendar's edges, and dates that do not exist.
DATES = [
    "9999",
    "10000",
    "0",
    "1",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "31/12/9999",
    "00/00/0000",
]
# What a reflected-markup check looks for: FRAGMENTS' markup, never to come back unescaped.
MARKUP = [f for f in FRAGMENTS if f.startswith(("<", '"'))]

garbage = st.one_of(
    value,
    st.sampled_from(DIGIT_TRAPS),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.sampled_from(MARKUP),
)
# For a field that takes a number: mostly numbers that break one bound or another.
bad_number = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(NUMBERS), garbage)


def query(names: list[str]):
    """fuzz.query, with the digit traps among the values."""
    keys = st.one_of(st.sampled_from(names), st.sampled_from(["", "x", "page[]", "\x00"]))
    values = st.one_of(garbage, st.lists(garbage, min_size=2, max_size=3))
    return st.dictionaries(keys, values, max_size=len(names) + 1)


def form_data(fields: dict, *, bad: dict | None = None, strangers: bool = True, least: int = 0):
    """A POST's worth: every field of `fields` (name → strategy of accepted values; None
    leaves the field out) filled well, except a few that are left out, garbage (`bad`'s
    strategy for that field, else `garbage`) or repeated; sometimes with fields the form does
    not know; `least` fields at least are broken. Mostly-good submissions reach the checks
    behind the first field."""
    names = sorted(fields)
    bad = bad or {}
    broken = {
        name: st.one_of(
            bad.get(name, garbage),
            st.none(),
            bad.get(name, garbage),
            st.lists(st.one_of(fields[name], bad.get(name, garbage)), min_size=2, max_size=3),
        )
        for name in names
    }
    extra = (
        st.dictionaries(st.sampled_from(["x", "page[]", "csrfmiddlewaretoken", "\x00"]), garbage)
        if strangers
        else st.just({})
    )

    def build(good, mutated, worse, more):
        data = dict(more)
        for name in names:
            chosen = worse[name] if name in mutated else good[name]
            if isinstance(chosen, list):
                chosen = [v for v in chosen if v is not None]
            if chosen is not None:
                data[name] = chosen
        return data

    return st.builds(
        build,
        st.fixed_dictionaries(fields),
        st.sets(st.sampled_from(names), min_size=least, max_size=max(2, least)),
        st.fixed_dictionaries(broken),
        extra,
    )


# Files


def _image_bytes(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format=fmt)
    return out.getvalue()


JPEG = _image_bytes("JPEG")
PNG = _image_bytes("PNG")
GIF = _image_bytes("GIF")
WEBP = _image_bytes("WEBP")


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG header that declares `width` × `height` pixels: a decompression bomb's opening."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

file_bytes = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from(
        [
            b"",
            JPEG,
            PNG,
            GIF,
            WEBP,
            PDF,
            _png_claiming(100_000, 100_000),
            _png_claiming(0, 0),
            b"%PDF-1.7\n/JavaScript (app.alert(1))\n%%EOF",
            b"%PDF-1.4 truncated",
            b"<html><script>alert(1)</script></html>",
            b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
            b"PK\x03\x04" + bytes(200),  # a broken ZIP (XLSX)
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),  # an old .xls
        ]
    ),
    st.builds(
        lambda data, cut: data[:cut], st.sampled_from([JPEG, PNG, WEBP, PDF]), st.integers(0, 400)
    ),
    st.builds(lambda data, tail: data + tail, st.sampled_from([JPEG, PNG]), st.binary(max_size=64)),
)
file_names = st.one_of(
    st.sampled_from(
        [
            "foto.jpg",
            "foto.png",
            "lampiran.pdf",
            "data.csv",
            "data.xlsx",
            "../../etc/passwd",
            "foto.jpg.exe",
            "🗳️.jpg",
            "a" * 300 + ".jpg",
            "x" * 10_000,
            "noextension",
            ".jpg",
            "foto\x00.jpg",
            "<script>.jpg",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=40),
)
content_types = st.sampled_from(
    [
        "image/jpeg",
        "image/png",
        "application/pdf",
        "text/html",
        "application/x-msdownload",
        "application/octet-stream",
        "text/csv",
        "image/svg+xml",
        "",
        "x/" + "y" * 300,
    ]
)


def upload(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    # The test client writes the name into a multipart header: a quote or a line break there
    # would be a malformed request of the client's making, not an input the view sees; and a
    # name without a file name in it ("", "..") is refused by Django before any request.
    safe_name = re.sub(r'["\r\n\\/]', "_", name)
    if safe_name in ("", ".", ".."):
        safe_name = "x"
    return SimpleUploadedFile(safe_name, data, content_type=content_type or "text/plain")


uploads = st.builds(upload, file_bytes, file_names, content_types)


# The census


_census: dict[str, tuple[list[str], str]] = {}


def row_counts() -> dict[str, int]:
    """Rows per table in one query (fuzz.row_counts asks once per table, and the form tests
    count around every submission): equal before and after means nothing was written. The
    tables are listed once per database: migrations do not run inside a test."""
    with connection.cursor() as cursor:
        if connection.settings_dict["NAME"] not in _census:
            tables = connection.introspection.table_names(cursor)
            quote = connection.ops.quote_name
            counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
            _census[connection.settings_dict["NAME"]] = (tables, f"SELECT {counts}")
        tables, sql = _census[connection.settings_dict["NAME"]]
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def written(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Tables whose row count changed, with by how much."""
    return {t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)}


# Answers


def check_answer(response, sent: object, *, allowed: tuple[int, ...]) -> None:
    """Never a 5xx; a status the endpoint may give; a 4xx says why; markup sent is not sent
    back unescaped in HTML."""
    status = response.status_code
    assert status < 500, (status, sent)
    assert status in allowed, (status, sent)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if 400 <= status < 500:
        assert body.strip(), (status, "a refusal without a message", sent)
    if "html" in response.get("Content-Type", ""):
        text = body.decode("utf-8", errors="replace")
        reflected = [m for m in MARKUP if m in _strings(sent) and m in text]
        assert not reflected, (status, reflected, sent)


def _strings(sent: object) -> str:
    """Every string of a submission, joined: what the reflection check looks through."""
    if isinstance(sent, dict):
        return " ".join(_strings(k) + " " + _strings(v) for k, v in sent.items())
    if isinstance(sent, list | tuple):
        return " ".join(_strings(v) for v in sent)
    return sent if isinstance(sent, str) else ""


def json_errors(response) -> list[str]:
    """The messages of a JSON refusal ({"errors": {field: [message]}}), each a real sentence."""
    errors = response.json()["errors"]
    lines = [m for messages in errors.values() for m in messages]
    assert lines and all(isinstance(m, str) and m.strip() for m in lines), errors
    return lines
