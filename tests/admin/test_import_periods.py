"""The unavailability and BKO lists through the all-or-nothing import (issue #18): a good sheet
writes every row; one bad row (over a duty, a person unknown) writes nothing and says which
row and why; a duty over an imported period is then refused."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from deployments.imports import export_bytes, template_bytes
from deployments.imports.bko import BkoResource
from deployments.imports.periods import UnavailabilityResource
from deployments.models import Assignment, BkoIn, ImportJob, Unavailability
from deployments.phases import WIB
from tests.admin.helpers import row, xlsx
from tests.admin.test_imports import apply, errors_of, validate
from tests.factories import AssignmentFactory, PersonnelFactory, phase

pytestmark = pytest.mark.django_db

U, B = ImportJob.Kind.UNAVAILABILITY, ImportJob.Kind.BKO


def at(day: int, hour: int) -> datetime:
    return datetime(2024, 11, day, hour, 0, tzinfo=WIB)


@pytest.fixture
def people(polsek_mojoroto, operation):
    """Andi (free), Budi (on duty 26th 13.00 – 28th 18.00), Candra (free), Dedi (Brimob,
    registered at Polsek Mojoroto, free)."""
    andi, budi, candra, dedi = (
        PersonnelFactory(unit=polsek_mojoroto, name=name, identifier=nrp)
        for name, nrp in (
            ("Andi Wijaya", "85061234"),
            ("Budi Santoso", "85061235"),
            ("Candra Wibowo", "85061236"),
            ("Dedi Brimob", "90061237"),
        )
    )
    AssignmentFactory(personnel=budi, starts_at=at(26, 13), ends_at=at(28, 18))
    return {"andi": andi, "budi": budi, "candra": candra, "dedi": dedi}


def absence(**values):
    base = {
        "matra": "Polri",
        "nrp_no_registrasi": "85061234",
        "jenis": "Sakit",
        "mulai": "26/11/2024 08.00",
        "selesai": "27/11/2024 08.00",
    }
    return row(UnavailabilityResource.columns, **{**base, **values})


def bko(**values):
    base = {
        "arah": "Masuk",
        "matra": "Polri",
        "nrp_no_registrasi": "90061237",
        "satuan_asal_tujuan": "Sat Brimob Polda Jatim",
        "mulai": "26/11/2024 00.00",
        "selesai": "28/11/2024 23.00",
        "no_sprin": "Sprin/1234/XI/2024",
        "tgl_sprin": "20/11/2024",
    }
    return row(BkoResource.columns, **{**base, **values})


def imported(kind, rows, by):
    job = validate(
        kind,
        xlsx(BkoResource.columns if kind == B else UnavailabilityResource.columns, rows),
        by=by,
    )
    return apply(job, by) if job.status == ImportJob.Status.READY else job


# Unavailability


def test_a_good_unavailability_sheet_writes_every_row_and_reimports_unchanged(ops_admin, people):
    rows = [
        absence(nama="Andi Wijaya", alasan="Demam"),
        absence(nrp_no_registrasi="85061236", jenis="cuti", selesai="30/11/2024"),
    ]

    job = imported(U, rows, ops_admin)
    again = imported(U, rows, ops_admin)

    assert job.status == ImportJob.Status.DONE, errors_of(job)
    assert job.counts == {"new": 2, "update": 0, "skip": 0, "invalid": 0}
    assert again.counts == {"new": 0, "update": 0, "skip": 2, "invalid": 0}
    sick = Unavailability.objects.get(personnel=people["andi"])
    assert (sick.kind, sick.reason, sick.ends_at) == ("sick", "Demam", at(27, 8))
    leave = Unavailability.objects.get(personnel=people["candra"])
    assert (leave.kind, leave.ends_at) == ("leave", datetime(2024, 12, 1, tzinfo=WIB))


def test_one_bad_unavailability_row_writes_nothing_and_says_which_and_why(ops_admin, people):
    rows = [
        absence(),
        absence(nrp_no_registrasi="85061235"),  # Budi is on duty from the 26th 13.00
        absence(nrp_no_registrasi="85069999"),
        absence(nrp_no_registrasi="85061236", jenis="BKO keluar"),
    ]

    job = imported(U, rows, ops_admin)

    assert job.status == ImportJob.Status.INVALID
    errors = errors_of(job)
    assert errors[0].startswith("3||Budi Santoso masih bertugas pada periode ini: 26/11/2024 13.00")
    assert errors[1] == (
        "4|NRP/No. Registrasi|Personel Polri 85069999 belum terdaftar; impor data personel dulu."
    )
    assert errors[2].startswith("5|Jenis|Jenis tidak dikenal: BKO keluar. Pilihan: Sakit, Cuti")
    assert len(errors) == 3
    assert not Unavailability.objects.exists()


def test_a_duty_over_an_imported_period_is_then_refused(ops_admin, people):
    imported(U, [absence()], ops_admin)
    duty = AssignmentFactory.build(
        personnel=people["andi"], phase=phase(), starts_at=at(26, 13), ends_at=at(26, 20)
    )

    with pytest.raises(ValidationError, match="tidak tersedia"):
        duty.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duty.save()


# BKO


def test_a_good_bko_sheet_writes_both_directions(ops_admin, people):
    rows = [
        bko(nama="Dedi Brimob"),
        bko(
            arah="keluar",
            nrp_no_registrasi="85061234",
            satuan_asal_tujuan="Polres Blitar",
            keterangan="Pam TPS Blitar",
        ),
    ]

    job = imported(B, rows, ops_admin)
    again = imported(B, rows, ops_admin)

    assert job.status == ImportJob.Status.DONE, errors_of(job)
    assert job.counts == {"new": 2, "update": 0, "skip": 0, "invalid": 0}
    assert again.counts == {"new": 0, "update": 0, "skip": 2, "invalid": 0}
    attached = BkoIn.objects.get()
    assert (attached.personnel, attached.origin_unit) == (people["dedi"], "Sat Brimob Polda Jatim")
    assert attached.ends_at == at(28, 23)
    lent = Unavailability.objects.get()
    assert (lent.personnel, lent.kind, lent.destination, lent.reason) == (
        people["andi"],
        "bko_out",
        "Polres Blitar",
        "Pam TPS Blitar",
    )


def test_one_bad_bko_row_writes_nothing_and_says_which_and_why(ops_admin, people):
    rows = [
        bko(),
        bko(arah="keluar", nrp_no_registrasi="85061235", satuan_asal_tujuan="Polres Blitar"),
        # Budi's duty (26th 13.00 – 28th 18.00) would lie outside this, his only period.
        bko(nrp_no_registrasi="85061235", selesai="27/11/2024 12.00"),
        bko(mulai="28/11/2024 00.00", selesai="29/11/2024 00.00"),  # meets row 2's period
        bko(arah="pinjam", no_sprin="", tgl_sprin=""),
    ]

    job = imported(B, rows, ops_admin)

    assert job.status == ImportJob.Status.INVALID
    errors = errors_of(job)
    assert errors[0].startswith("3||Budi Santoso masih bertugas pada periode ini")
    assert errors[1].startswith("4||Budi Santoso memegang tugas di luar periode BKO-nya")
    assert errors[2].startswith("5||Dedi Brimob sudah BKO pada periode yang tumpang tindih")
    assert [e.split("|")[:2] for e in errors[3:]] == [
        ["6", "Arah"],
        ["6", "No. Sprin"],
        ["6", "Tgl. Sprin"],
    ]
    assert not BkoIn.objects.exists() and not Unavailability.objects.exists()


def test_duties_outside_an_imported_bko_period_or_while_lent_out_are_then_refused(
    ops_admin, people
):
    job = imported(
        B,
        [bko(), bko(arah="keluar", nrp_no_registrasi="85061234", satuan_asal_tujuan="X")],
        ops_admin,
    )
    assert job.status == ImportJob.Status.DONE, errors_of(job)

    inside = AssignmentFactory(personnel=people["dedi"], starts_at=at(26, 8), ends_at=at(26, 14))
    outside = AssignmentFactory.build(
        personnel=people["dedi"],
        phase=phase(),
        starts_at=at(28, 22),
        ends_at=at(28, 23) + timedelta(minutes=30),
    )
    lent = AssignmentFactory.build(
        personnel=people["andi"], phase=phase(), starts_at=at(26, 8), ends_at=at(26, 14)
    )

    assert inside.pk
    for duty, message in ((outside, "personel BKO"), (lent, "tidak tersedia")):
        with pytest.raises(ValidationError, match=message):
            duty.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            duty.save()
    assert Assignment.objects.filter(personnel=people["dedi"]).count() == 1


# Templates and exports


def test_the_templates_and_exports_have_the_sheets_columns(ops_admin, login, people):
    imported(
        B,
        [bko(), bko(arah="keluar", nrp_no_registrasi="85061234", satuan_asal_tujuan="X")],
        ops_admin,
    )
    client = login(ops_admin)

    upload = client.get(reverse("admin:deployments_importjob_add")).content.decode()
    assert reverse("admin:deployments_bkoin_import_template") in upload
    assert reverse("admin:deployments_unavailability_import_template") in upload
    for kind in (U, B):
        assert (
            template_bytes(kind, file_format="csv")
            .decode("utf-8-sig")
            .startswith("Matra" if kind == U else "Arah")
        )
    inbound = export_bytes(B, BkoIn.objects.all(), file_format="csv").decode("utf-8-sig")
    outbound = export_bytes(B, Unavailability.objects.all(), file_format="csv").decode("utf-8-sig")
    assert "Masuk,Polri,90061237,Dedi Brimob,Sat Brimob Polda Jatim" in inbound
    assert "Keluar,Polri,85061234,Andi Wijaya,X" in outbound
    assert client.get(reverse("admin:deployments_bkoout_export")).status_code == 200


# The assignment import, for a BKO person: their periods read once with their duties


def test_the_assignment_import_refuses_a_bko_person_outside_their_period(
    ops_admin, people, tps_006
):
    from tests.admin.test_import_assignments_bulk import duty
    from tests.admin.test_import_assignments_bulk import imported as duties_imported

    imported(B, [bko(selesai="27/11/2024 12.00")], ops_admin)
    rows = [
        duty(nrp_no_registrasi="90061237", mulai="26/11/2024 06.00", selesai="26/11/2024 18.00"),
        duty(nrp_no_registrasi="90061237", mulai="27/11/2024 06.00", selesai="27/11/2024 18.00"),
    ]

    job = duties_imported(rows, ops_admin)

    assert job.status == ImportJob.Status.INVALID
    [error] = job.errors
    assert error["lines"] == "3"
    assert "Dedi Brimob adalah personel BKO" in error["message"]
    assert not Assignment.objects.filter(personnel=people["dedi"]).exists()
