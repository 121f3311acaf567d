"""An XLSX that would cost tens of seconds and hundreds of MB inside openpyxl is refused from its
zip directory and the first KB of its sheet, before openpyxl is called: millions of shared
strings (which openpyxl loads whole before the first row), a member that inflates far past its
compressed size, a sheet that declares two million rows.

The files are written by hand with zipfile: a few tens of KB on the wire each.
"""

import io
import random
import re
import zipfile

import pytest

from deployments.imports import import_job_create, import_job_validate
from deployments.imports.sheets import INTERACTIVE_ROW_LIMIT, SheetError, read_sheet, thousands
from deployments.models import ImportJob, Personnel
from tests.admin.helpers import PERSONNEL_COLUMNS, row, xlsx
from tests.factories import PolsekFactory

pytestmark = pytest.mark.django_db

WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def _header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(PERSONNEL_COLUMNS)
    )
    return f'<row r="1">{cells}</row>'


def _sheet(dimension: str = "A1:I1", rows: str = "") -> str:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{_header_row()}{rows}</sheetData></worksheet>'
    )


def _xlsx(sheet: str, shared_strings: int = 0, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings:
            item = b"<si><t>a</t></si>"
            with archive.open("xl/sharedStrings.xml", "w") as member:
                member.write(b'<sst count="%d">' % shared_strings)
                block = item * 10_000
                for _ in range(shared_strings // 10_000):
                    member.write(block)
                member.write(b"</sst>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def openpyxl_calls(monkeypatch):
    """openpyxl's loader, counted: each refusal here must come before it."""
    import openpyxl

    calls = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: calls.append(1))
    return calls


def _refusal(content: bytes, by) -> str:
    """The message of the refusal: when the upload is kept (nothing stored) and, the same, when
    the worker reads the file (read_sheet checks again)."""
    with pytest.raises(SheetError) as kept:
        _validate(content, by)
    with pytest.raises(SheetError) as read:
        read_sheet(content, "data.xlsx", columns=PERSONNEL_COLUMNS, row_limit=INTERACTIVE_ROW_LIMIT)
    assert str(read.value) == str(kept.value)
    assert not ImportJob.objects.exists()
    assert not Personnel.objects.exists()
    return str(kept.value)


def _validate(content: bytes, by) -> ImportJob:
    job = import_job_create(
        kind=ImportJob.Kind.PERSONNEL,
        file_name="data.xlsx",
        content=content,
        background=False,
        by=by,
    )
    return import_job_validate(job_id=job.pk)


def test_shared_strings_over_the_limit_are_refused_before_openpyxl(ops_admin, openpyxl_calls):
    content = _xlsx(_sheet(), shared_strings=2_600_000)  # 42 MB inflated

    message = _refusal(content, ops_admin)

    assert len(content) < 1024 * 1024
    assert message.startswith("Daftar teks berkas XLSX berukuran 42,2 MB saat dibuka (batas 40")
    assert "ditolak tanpa dibaca" in message
    assert openpyxl_calls == []


def test_a_member_that_inflates_over_a_hundredfold_is_refused_before_openpyxl(
    ops_admin, openpyxl_calls
):
    # 11 MB of zeros (deflated ~1000 times) and 64 KB of noise: about 150 times overall, far
    # under the total bound, and a ratio the old bound of 200 let through.
    padding = b"\0" * (11 * 1024 * 1024) + random.Random(0).randbytes(64 * 1024)
    content = _xlsx(_sheet(), extra={"xl/media/padding.bin": padding})
    member = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/media/padding.bin")

    message = _refusal(content, ops_admin)

    assert 100 < member.file_size / member.compress_size < 200
    assert "membengkak" in message
    assert openpyxl_calls == []


def _declaring(content: bytes, dimension: str) -> bytes:
    """The same workbook, its first sheet declaring another extent."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % dimension, data)
            target.writestr(member.filename, data)
    return out.getvalue()


def test_a_sheet_declaring_two_million_rows_is_refused_before_openpyxl(
    ops_admin, polsek_mojoroto, monkeypatch
):
    import openpyxl

    calls = []
    load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: calls.append(1) or load(*a, **k))
    person = row(
        PERSONNEL_COLUMNS,
        matra="Polri",
        nrp_no_registrasi="85061234",
        nama="Andi",
        pangkat="Bripka",
        satuan="Polsek Mojoroto",
    )
    workbook = xlsx(PERSONNEL_COLUMNS, [person])

    refused = _refusal(_declaring(workbook, b"A1:Z2000000"), ops_admin)
    refused_calls = len(calls)
    read = _validate(_declaring(workbook, b"A1:I2"), ops_admin)

    assert refused == (
        "Lembar berkas XLSX menyatakan 2.000.000 baris (A1:Z2000000), jauh di atas batas "
        f"{thousands(INTERACTIVE_ROW_LIMIT)} baris data; berkas ditolak tanpa dibaca."
    )
    assert refused_calls == 0
    # The same workbook declaring what it holds reaches openpyxl and is read.
    assert (read.status, read.counts["new"], len(calls)) == (ImportJob.Status.READY, 1, 1)


@pytest.fixture
def polsek_mojoroto(mojoroto):
    return PolsekFactory(kecamatan=mojoroto)


def test_through_the_admin_the_upload_is_refused_with_the_message_and_a_422(
    login, ops_admin, openpyxl_calls
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("data.xlsx", _xlsx(_sheet(), shared_strings=2_600_000))
    client = login(ops_admin)

    response = client.post(
        reverse("admin:deployments_importjob_add"),
        {"kind": ImportJob.Kind.PERSONNEL, "upload": upload},
    )

    assert response.status_code == 422
    assert "Daftar teks berkas XLSX berukuran 42,2 MB" in response.content.decode()
    assert openpyxl_calls == []
    assert not ImportJob.objects.exists()
