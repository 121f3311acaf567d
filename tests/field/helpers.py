"""Builders for the field reporting tests, beside tests/factories.py."""

import random
import uuid
from io import BytesIO
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from deployments.models import Assignment, Personnel, PostKind
from tests.factories import ELECTION_DAY_9AM as _ELECTION_DAY_9AM
from tests.factories import (
    AssignmentFactory,
    LinmasFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SatlinmasFactory,
)
from tps.models import TPS

WIB = ZoneInfo("Asia/Jakarta")
ELECTION_DAY_9AM = _ELECTION_DAY_9AM  # re-exported: tests import it from here


def key() -> str:
    return str(uuid.uuid4())


def guard_at(tps: TPS, **person) -> Personnel:
    """A Linmas of the TPS's desa guarding it for the whole pemungutan phase."""
    person.setdefault("unit", SatlinmasFactory(desa=tps.desa))
    guard = LinmasFactory(**person)
    AssignmentFactory(personnel=guard, tps=[tps])
    return guard


def polri_pair(stations: list[TPS], *, phone: str = "") -> list[Personnel]:
    officers = PersonnelFactory.create_batch(2, phone=phone)
    for officer in officers:
        AssignmentFactory(personnel=officer, tps=stations)
    return officers


def padal_of(kecamatan, desa, *, rank: str = "AKP", **person) -> Personnel:
    """The Kapolsek of the kecamatan's Polsek, serving as its Padal (as in the demo)."""
    polsek = PolsekFactory(kecamatan=kecamatan)
    officer = PersonnelFactory(unit=polsek, rank=rank, **person)
    post = PostFactory(kind=PostKind.PADAL, name=f"Padal Sektor {kecamatan.name}", desa=desa)
    AssignmentFactory(personnel=officer, kind=PostKind.PADAL, post=post)
    return officer


def cancel(assignment: Assignment) -> None:
    assignment.status = Assignment.Status.CANCELLED
    assignment.save(update_fields=["status"])


def jpeg(
    size=(2400, 1800), *, exif_gps: bool = True, noise: bool = False, name="foto.jpg"
) -> SimpleUploadedFile:
    """A camera-like JPEG with EXIF (make, model, GPS position) to be stripped; ``noise``
    makes it as large as a real photo of its size (a flat colour compresses to almost nothing)."""
    if noise:
        image = Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PonselMurah"  # Make
    exif[0x0110] = "PM-1"  # Model
    if exif_gps:
        exif[0x8825] = {1: "S", 2: (7.0, 49.0, 0.0), 3: "E", 4: (112.0, 0.0, 0.0)}
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
