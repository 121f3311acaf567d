"""Reading one cell of an import sheet: text, codes, numbers, dates and choices, each refused with
an Indonesian message that says what is expected."""

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deployments.phases import WIB

CHUNK = 2_000  # ids per IN (…) query: SQLite caps the parameters of one statement


class CellError(ValueError):
    """A cell's value cannot be read; the message names what is expected."""


def cell_text(value) -> str:
    if value.__class__ is str:  # most cells: one test, not three (15 calls a row)
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def cell_code(value) -> str:
    """Kemendagri codes as digits: 3571011001, "35.71.01.1001" and a numeric cell alike."""
    return cell_text(value).replace(".", "").replace(" ", "")


def cell_int(value, *, low: int, high: int, strip_prefix: str = "") -> int:
    text = cell_text(value)
    if strip_prefix and text.upper().startswith(strip_prefix):
        text = text[len(strip_prefix) :].strip()
    # isdigit() alone passes "²", which int() refuses; and int() refuses thousands of digits,
    # which no bound here needs to read.
    if not (text.isascii() and text.isdigit()):
        raise CellError(_("Bukan bilangan bulat: %s.") % (text or _("kosong")))
    if len(text.lstrip("0")) > len(str(high)):
        raise CellError(
            _("%(n)s di luar batas %(low)s–%(high)s.") % {"n": text, "low": low, "high": high}
        )
    number = int(text)
    if not low <= number <= high:
        raise CellError(
            _("%(n)s di luar batas %(low)s–%(high)s.") % {"n": number, "low": low, "high": high}
        )
    return number


def cell_decimal(value) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = cell_text(value).replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # Indonesian decimal comma
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(_("Bukan angka: %s.") % (text or _("kosong"))) from exc
    if not number.is_finite():
        raise CellError(_("Bukan angka: %s.") % value)
    try:
        return number.quantize(Decimal("0.000001"))
    except InvalidOperation as exc:  # more digits than a Decimal holds: 1e40, 5,000 nines
        raise CellError(_("Angka terlalu besar: %s.") % cell_text(value)) from exc


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_TIME_FORMATS = ("%H.%M", "%H:%M", "%H:%M:%S", "%H.%M.%S")


def parse_date(value) -> date:
    """An Excel date cell, dd/mm/yyyy or yyyy-mm-dd; anything else is refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(
        _("Tanggal tidak dikenali: %s. Tulis dd/mm/yyyy atau yyyy-mm-dd.") % (text or _("kosong"))
    )


def parse_moment(value, *, end: bool = False) -> datetime:
    """A time in WIB. A date alone means the start of that day, or for an end its close."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=WIB) if value.tzinfo is None else value.astimezone(WIB)
    if isinstance(value, date):
        return _day_bound(value, end)
    return _parse_moment_text(cell_text(value), end)


@functools.lru_cache(maxsize=4_096)
def _parse_moment_text(text: str, end: bool) -> datetime:
    # A roster's cells repeat the same few windows: each is parsed once (strptime is slow).
    day_text, _sep, time_text = text.partition(" ")
    day = parse_date(day_text)
    if not time_text:
        return _day_bound(day, end)
    for pattern in _TIME_FORMATS:
        try:
            clock = datetime.strptime(time_text.removesuffix(" WIB").strip(), pattern).time()
        except ValueError:
            continue
        return datetime.combine(day, clock, tzinfo=WIB)
    raise CellError(_("Jam tidak dikenali: %s. Tulis mis. 26/11/2024 13.00.") % text)


def _day_bound(day: date, end: bool) -> datetime:
    if end and day == date.max:  # the close of 31/12/9999 is past the last day Python knows
        raise CellError(_("Tanggal di luar jangkauan: %s.") % day.strftime("%d/%m/%Y"))
    return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=WIB)


def cell_choice(value, choices, column: str) -> str:
    return choice_reader(choices, column)(value)


def choice_reader(choices, column: str):
    """cell_choice for one import: the labels in the language active now, read once."""
    index = _choice_index(choices, get_language())

    def read(value) -> str:
        code = index.get(cell_text(value).casefold())
        if code is None:
            raise _choice_error(value, choices, column)
        return code

    return read


def _choice_error(value, choices, column: str) -> CellError:
    return CellError(
        _("%(col)s tidak dikenal: %(value)s. Pilihan: %(options)s.")
        % {
            "col": column,
            "value": cell_text(value) or _("kosong"),
            "options": ", ".join(str(label) for _value, label in choices.choices),
        }
    )


@functools.cache
def _choice_index(choices, language: str | None) -> dict[str, str]:
    """Code and label (in the active language) → code, the first choice winning: a lazy label
    costs a catalogue lookup each time it is read, three times a row of a 156,000-row roster."""
    index: dict[str, str] = {}
    for code, label in choices.choices:
        index.setdefault(code.casefold(), code)
        index.setdefault(str(label).casefold(), code)
    return index


_YES = {"ya", "y", "1", "true", "aktif", "benar"}
_NO = {"tidak", "t", "0", "false", "nonaktif", "salah"}


def cell_yes_no(value, *, default: bool) -> bool:
    text = cell_text(value).casefold()
    if text == "":
        return default
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(_("Tulis Ya atau Tidak, bukan %s.") % cell_text(value))


def local_time(moment: datetime) -> datetime:
    return timezone.localtime(moment, WIB)


def show(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return local_time(value).strftime("%d/%m/%Y %H.%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    return str(value)


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def cell_identifier(values) -> tuple[str, str]:
    """(clean identifier, as written). A numeric cell lost the leading zero of a young officer's
    NRP (born 2000s: 0…); an 8-digit Polri NRP gets it back."""
    raw = values["NRP/No. Registrasi"]
    written = cell_text(raw)
    clean = "".join(written.split())
    if isinstance(raw, int | float) and not isinstance(raw, bool) and clean.isdigit():
        force = cell_text(values.get("Matra")).casefold()
        if force == "polri" and len(clean) < 8:
            clean = clean.zfill(8)
    return clean, written


def sheet_identifiers(dataset) -> list[str]:
    rows = (dict(zip(dataset.headers, values, strict=True)) for values in dataset)
    return sorted({identifier for r in rows if (identifier := cell_identifier(r)[0])})


def person_name(values) -> str:
    """ "Andi Wijaya (85061234)": the name and NRP/register number a row gives, as written."""
    name = cell_text(values.get("Nama"))
    identifier = cell_identifier(values)[0]
    if name and identifier:
        return f"{name} ({identifier})"
    return name or identifier
