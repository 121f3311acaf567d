"""A small reader for the project's gettext catalogue, so the tests need no polib.

It understands what makemessages writes: comments and flags, msgctxt, msgid, msgid_plural,
msgstr and msgstr[n], each possibly continued over several quoted lines, and obsolete (#~)
entries, which it skips.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def untranslated(self) -> bool:
        if self.msgid_plural is not None:
            return not self.msgstr_plural or not all(self.msgstr_plural.values())
        return self.msgstr == ""

    @property
    def where(self) -> str:
        return self.references[0] if self.references else f"django.po line {self.line}"


def read_po(path: Path = PO_PATH) -> list[Entry]:
    """Every live entry of the catalogue, the header first. Entries are separated by blank lines,
    as gettext and makemessages write them."""
    return parse_po(path.read_text(encoding="utf-8"), str(path))


def parse_po(text: str, name: str = "django.po") -> list[Entry]:
    entries: list[Entry] = []
    block: list[tuple[int, str]] = []
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        if raw.strip():
            block.append((number, raw.strip()))
            continue
        entry = _parse_block(block, name)
        if entry is not None:
            entries.append(entry)
        block = []
    return entries


def _parse_block(block: list[tuple[int, str]], name: str) -> Entry | None:
    live = [(number, line) for number, line in block if not line.startswith("#~")]
    if not any(not line.startswith("#") for _number, line in live):
        return None  # only comments, or an obsolete entry
    entry = Entry(line=live[0][0])
    target: tuple[str, int | None] | None = None
    for number, line in live:
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, quoted = match.groups()
            target = ("msgstr_plural", int(index)) if index is not None else (keyword, None)
            _append(entry, target, _unquote(quoted))
        elif line.startswith('"') and target is not None:
            _append(entry, target, _unquote(line))
        else:
            raise ValueError(f"{name}:{number}: cannot read {line!r}")
    return entry


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr_plural":
        entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text
    else:
        setattr(entry, name, (getattr(entry, name) or "") + text)
