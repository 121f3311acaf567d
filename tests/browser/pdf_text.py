"""The text of a PDF that Chromium printed (Skia/PDF), for tests to read what is on the paper.

No PDF library is among the project's dependencies, and Skia writes a small, regular subset of
PDF: uncompressed object dictionaries, Flate-compressed streams, Type0 fonts with Identity-H
encoding and a ToUnicode CMap, text as hex glyph strings in Tj/TJ. That subset is read here;
anything else raises, so a change of Chromium's writer fails loudly instead of reading nothing.
"""

import re
import zlib

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm
_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_TOKEN = re.compile(rb"/([A-Za-z0-9_.+-]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|\b(BT|ET)\b")


def _objects(pdf: bytes) -> dict[bytes, bytes]:
    return dict(_OBJECT.findall(pdf))


def _stream(body: bytes) -> bytes:
    head, _, rest = body.partition(b"stream")
    data = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
    return zlib.decompress(data) if b"/FlateDecode" in head else data


def _hex_units(text: bytes) -> list[int]:
    digits = re.sub(rb"\s", b"", text)
    return [int(digits[i : i + 4], 16) for i in range(0, len(digits), 4)]


def _cmap(data: bytes) -> dict[int, str]:
    """glyph → text from a ToUnicode CMap's bfchar and bfrange sections."""
    chars: dict[int, str] = {}

    def utf16(hexdigits: bytes) -> str:
        return bytes.fromhex(hexdigits.decode()).decode("utf-16-be")

    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            chars[int(src, 16)] = utf16(dst)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", section
        ):
            first, last = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for offset, each in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", dst)):
                    chars[first + offset] = utf16(each)
            else:
                start = utf16(dst[1:-1])
                for offset in range(last - first + 1):
                    chars[first + offset] = start[:-1] + chr(ord(start[-1]) + offset)
    return chars


def _resolved(objects: dict[bytes, bytes], body: bytes, key: bytes) -> bytes:
    """The dictionary under /key, followed when it is a reference (/Resources 5 0 R)."""
    reference = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return objects[reference.group(1)] if reference else body


def pages(pdf: bytes) -> list[str]:
    """The text of each page in order; the runs of one text object joined, objects by lines."""
    objects = _objects(pdf)
    catalog_pages = next(b for b in objects.values() if re.search(rb"/Type /Pages\b", b))
    kids = re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", catalog_pages, re.S).group(1))
    cmaps = {
        number: _cmap(_stream(objects[m.group(1)]))
        for number, body in objects.items()
        if (m := re.search(rb"/ToUnicode (\d+) 0 R", body))
    }
    out = []
    for kid in kids:
        page = objects[kid]
        resources = _resolved(objects, page, b"Resources")
        fonts_dict = _resolved(objects, resources, b"Font")
        fonts = dict(re.findall(rb"/([A-Za-z0-9_.+-]+) (\d+) 0 R", fonts_dict))
        contents = re.search(rb"/Contents\s+(\[[^\]]*\]|\d+ 0 R)", page).group(1)
        data = b"\n".join(_stream(objects[n]) for n in re.findall(rb"(\d+) 0 R", contents))
        lines, run, cmap = [], [], None
        for font, hexstring, operator in _TOKEN.findall(data):
            if font:
                if font not in fonts or fonts[font] not in cmaps:
                    raise ValueError(f"font {font!r} without a ToUnicode map")
                cmap = cmaps[fonts[font]]
            elif operator == b"ET":
                lines.append("".join(run))
                run = []
            elif hexstring and cmap is not None:
                run.append("".join(cmap.get(unit, "\ufffd") for unit in _hex_units(hexstring)))
        out.append("\n".join(line for line in lines if line))
    return out


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    pattern = rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]"
    return [(float(w), float(h)) for w, h in re.findall(pattern, pdf)]


def squashed(text: str) -> str:
    """Without any whitespace: where Chromium broke a line or split a run does not matter."""
    return re.sub(r"\s+", "", text)
