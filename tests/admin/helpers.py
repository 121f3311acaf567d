"""Helpers of the admin tests: post a form back as a browser would, build spreadsheets in memory."""

import csv
import io
from html.parser import HTMLParser

from openpyxl import Workbook

from deployments.imports import AssignmentResource, PersonnelResource, TPSResource

PERSONNEL_COLUMNS = PersonnelResource.columns
TPS_COLUMNS = TPSResource.columns
ASSIGNMENT_COLUMNS = AssignmentResource.columns


class _FormParser(HTMLParser):
    """The fields of one <form> with their current values (what the browser would submit)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.fields.setdefault(name, [])
                return
            self.fields.setdefault(name, []).append(
                a.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "select":
            self.select = None
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][0] += (
                data.removeprefix("\n") if not self.fields[self.textarea][0] else data
            )


def form_values(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _FormParser(form_id)
    parser.feed(html)
    return {name: values for name, values in parser.fields.items() if values}


def admin_post(client, url: str, form_id: str, changes: dict, *, extra: dict | None = None):
    """GET the admin form at `url`, change some fields, POST it back as the browser would."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_values(page.content.decode(), form_id)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
            )
    data.update(extra or {})
    return client.post(url, data)


def xlsx(columns, rows, *, sheet_title: str = "Data") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(columns, rows, *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def row(columns, **values) -> list:
    """A row in the template's column order; keys are column names with spaces/dots replaced."""
    by_key = {_key(c): c for c in columns}
    out = dict.fromkeys(columns, "")
    for key, value in values.items():
        out[by_key[key]] = value
    return [out[c] for c in columns]


def _key(column: str) -> str:
    return (
        "".join(ch if ch.isalnum() else "_" for ch in column.lower()).strip("_").replace("__", "_")
    )
