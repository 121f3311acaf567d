"""The one rule for text cells in the spreadsheets the product writes and reads: text is never a
formula (OWASP "CSV injection").

A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab or a carriage return) as
a formula: a name or an address saved by one admin would become a live formula, a link or a
command, in the file a read-only command officer opens. So every file the product writes marks
such text as text:

- CSV has no cell types: the cell gets a leading apostrophe ("'=1", "'+6281234567890"). Excel
  shows the apostrophe, the number stays readable text, and the import (read_cell) strips it
  again, so an exported file re-imports unchanged. A text that already starts with apostrophes
  before such a character gets one more, so that the import gives back exactly what was stored.
- XLSX has cell types: the cell is a string cell ("s"; openpyxl takes any str starting with "="
  for a formula otherwise) with the quote-prefix style, Excel's own "typed with an apostrophe",
  so that it stays text even when someone edits it. Its value is unchanged: a phone +62… reads
  +62… in Excel and in the import.
"""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return text.startswith(FORMULA_STARTS)


def _needs_mark(text: str) -> bool:
    return formula_like(text.lstrip(NEUTRALISER))


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: a text a spreadsheet would run gets a leading apostrophe."""
    if isinstance(value, str) and _needs_mark(value):
        return NEUTRALISER + value
    return value


def mark_xlsx_text(cell) -> None:
    """An openpyxl cell holding text is a string cell, never a formula; one a spreadsheet would
    run also gets Excel's quote prefix (the apostrophe of the user interface, not in the value)."""
    if not isinstance(cell.value, str):
        return
    cell.data_type = "s"
    if _needs_mark(cell.value):
        cell.quotePrefix = True


def read_cell(text: str) -> tuple[str, bool]:
    """(the text as meant, whether it was neutralised): "'=1" → ("=1", True); "=1" → ("=1",
    False), which the caller refuses or accepts; any other text is returned as it is."""
    if text.startswith(NEUTRALISER) and _needs_mark(text[1:]):
        return text[1:], True
    return text, False


# CSV in two dialects. Excel opens a .csv with the list separator and the decimal mark of the
# computer's regional settings: in Indonesian that is ";" and ",", so a comma file opens as one
# column and 12.5 reads as 125 or as text. People get Excel's dialect (with a byte-order mark,
# without which Excel reads UTF-8 names as cp1252); programs get the plain one.
EXCEL_CSV_DELIMITER = ";"
EXCEL_DECIMAL_MARK = ","


def excel_csv_cell(value: Any) -> Any:
    """The value as a cell of the Excel-for-Indonesia CSV: text neutralised as in csv_cell, a
    fraction with a decimal comma (12,5), whole numbers as they are, nothing as empty."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        # Fixed-point, never an exponent (1e-07 is text to Excel); tables round to 3 places.
        text = format(value, "f").rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text.replace(".", EXCEL_DECIMAL_MARK)
    return csv_cell(value)
