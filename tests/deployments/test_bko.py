"""BKO (issue #18): a person attached here from outside is assigned only inside their BKO
periods, and one of ours lent out is assigned by no path for theirs; whichever is written
first, by the model's validation in Indonesian, by the admin under the person's lock and by
the database on every other path (migration 0017), on SQLite as on PostgreSQL."""

import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deployments.models import Assignment, BkoIn, BkoOut, PostKind, Unavailability
from deployments.phases import WIB
from deployments.services.assignments import assignment_save
from tests.admin.helpers import admin_post
from tests.concurrency import in_parallel
from tests.factories import (
    AssignmentFactory,
    BkoInFactory,
    PersonnelFactory,
    PostFactory,
    phase,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brimob():
    """A Brimob officer attached for the first day of the pemungutan phase."""
    ph = phase()
    return BkoInFactory(
        personnel=PersonnelFactory(name="Bripda Anton"),
        starts_at=ph.starts_at,
        ends_at=ph.starts_at + timedelta(hours=24),
    )


def _duty(bko, *, after_hours: float, hours: float = 6, **fields):
    start = bko.starts_at + timedelta(hours=after_hours)
    return AssignmentFactory.build(
        personnel=bko.personnel, starts_at=start, ends_at=start + timedelta(hours=hours), **fields
    )


def _saved(duty):
    duty.save()
    return duty


# A duty of a BKO-in person


def test_a_duty_inside_the_bko_period_passes_every_rule(brimob):
    duty = _duty(brimob, after_hours=2)

    duty.full_clean()
    duty.save()

    assert Assignment.objects.filter(personnel=brimob.personnel).count() == 1


def test_model_validation_refuses_a_duty_outside_the_period_in_indonesian(brimob):
    duty = _duty(brimob, after_hours=20)  # ends 2 h after the BKO does

    with pytest.raises(ValidationError) as refused:
        duty.full_clean()

    [error] = refused.value.error_dict["__all__"]
    assert error.code == "outside_bko"
    assert "Bripda Anton adalah personel BKO" in error.message
    assert "Sat Brimob Polda Jatim" in error.message


def test_the_database_refuses_a_duty_outside_the_period(brimob):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        _saved(_duty(brimob, after_hours=30))

    assert "deployments_assignment_outside_bko" in str(refused.value)
    assert not Assignment.objects.exists()


def test_the_database_refuses_moving_a_duty_out_and_reviving_a_cancelled_one(brimob):
    inside = _saved(_duty(brimob, after_hours=2))
    cancelled = _saved(_duty(brimob, after_hours=30, status=Assignment.Status.CANCELLED))

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=inside.pk).update(ends_at=brimob.ends_at + timedelta(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=cancelled.pk).update(status=Assignment.Status.ACTIVE)

    inside.refresh_from_db()
    cancelled.refresh_from_db()
    assert inside.ends_at < brimob.ends_at
    assert cancelled.status == Assignment.Status.CANCELLED


def test_the_service_turns_the_trigger_into_an_indonesian_message(brimob):
    with pytest.raises(ValidationError, match="hanya dapat ditugaskan di dalam periode BKO"):
        assignment_save(_duty(brimob, after_hours=30), tps=None)


def test_people_without_a_bko_period_are_not_concerned():
    AssignmentFactory(personnel=PersonnelFactory()).full_clean()


# A BKO-in period over the person's duties


def test_the_database_refuses_a_period_shrunk_or_removed_from_under_a_duty(brimob):
    _saved(_duty(brimob, after_hours=10))
    later = BkoInFactory(
        personnel=brimob.personnel, starts_at=brimob.ends_at, ends_at=brimob.ends_at + timedelta(1)
    )

    with pytest.raises(IntegrityError) as shrunk, transaction.atomic():
        BkoIn.objects.filter(pk=brimob.pk).update(ends_at=brimob.starts_at + timedelta(hours=12))
    with pytest.raises(IntegrityError), transaction.atomic():
        BkoIn.objects.filter(pk=brimob.pk).delete()
    later.delete()  # the duty lies in the other period: allowed

    assert "deployments_bkoin_leaves_duty_outside" in str(shrunk.value)
    assert BkoIn.objects.get().ends_at == brimob.ends_at


def test_the_database_refuses_a_first_period_that_leaves_a_duty_outside():
    duty = AssignmentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        BkoInFactory(personnel=duty.personnel, ends_at=duty.ends_at - timedelta(hours=1))

    assert not BkoIn.objects.exists()


def test_deleting_the_last_period_makes_the_person_ours(brimob):
    _saved(_duty(brimob, after_hours=2))

    brimob.delete()
    _saved(_duty(brimob, after_hours=30))  # no longer BKO: no period to lie in

    assert Assignment.objects.count() == 2


def test_model_validation_names_the_duties_left_outside_and_overlapping_periods(brimob):
    _saved(_duty(brimob, after_hours=10))
    brimob.ends_at = brimob.starts_at + timedelta(hours=12)
    second = BkoIn(
        personnel=brimob.personnel,
        origin_unit="Polres Blitar",
        starts_at=brimob.starts_at + timedelta(hours=20),
        ends_at=brimob.starts_at + timedelta(hours=30),
        sprin_number="Sprin/9",
        sprin_date=date(2024, 11, 20),
    )

    with pytest.raises(ValidationError, match="memegang tugas di luar periode BKO") as shrunk:
        brimob.full_clean()
    with pytest.raises(ValidationError, match="sudah BKO pada periode yang tumpang tindih"):
        second.full_clean()

    assert shrunk.value.error_dict["__all__"][0].code == "outside_bko"


def test_the_database_requires_the_origin_and_the_order(brimob):
    with pytest.raises(IntegrityError), transaction.atomic():
        BkoIn.objects.filter(pk=brimob.pk).update(origin_unit=" ")


# BKO keluar: a period of unavailability of its own kind


def _lent(person, starts_at, **fields):
    values = {
        "kind": Unavailability.Kind.BKO_OUT,
        "destination": "Polres Blitar",
        "sprin_number": "Sprin/77/XI/2024",
        "sprin_date": date(2024, 11, 20),
        **fields,
    }
    return Unavailability(
        personnel=person,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=2),
        **values,
    )


def test_a_person_lent_out_is_refused_a_duty_by_validation_and_the_database():
    ph = phase()
    person = PersonnelFactory(name="Aiptu Budi")
    _lent(person, ph.starts_at).save()
    duty = AssignmentFactory.build(personnel=person)

    with pytest.raises(ValidationError, match="tidak tersedia \\(BKO keluar ke Polres Blitar"):
        duty.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duty.save()

    assert BkoOut.objects.get().personnel == person


def test_lending_out_a_person_on_duty_is_refused():
    duty = AssignmentFactory()

    with pytest.raises(ValidationError, match="masih bertugas"):
        _lent(duty.personnel, duty.starts_at).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        _lent(duty.personnel, duty.starts_at).save()


def test_a_bko_out_says_where_to_and_by_which_order_and_no_other_kind_does():
    person = PersonnelFactory()
    start = phase().starts_at

    with pytest.raises(ValidationError) as missing:
        _lent(person, start, destination="", sprin_number="").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        _lent(person, start, destination="").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _lent(person, start, kind=Unavailability.Kind.SICK).save()

    assert set(missing.value.error_dict) == {"destination", "sprin_number"}


# The admin


def _moment(prefix: str, moment) -> dict:
    local = moment.astimezone(WIB)
    return {f"{prefix}_0": local.strftime("%d/%m/%Y"), f"{prefix}_1": local.strftime("%H:%M")}


def test_the_admin_records_a_bko_in_and_refuses_one_leaving_a_duty_outside(ops_admin, login):
    ph = phase()
    newcomer = PersonnelFactory()
    on_duty = AssignmentFactory(
        starts_at=ph.starts_at + timedelta(hours=30), ends_at=ph.starts_at + timedelta(hours=36)
    )
    client = login(ops_admin)

    def post(person):
        return client.post(
            "/admin/deployments/bkoin/add/",
            {
                "personnel": person.pk,
                "origin_unit": "Sat Brimob Polda Jatim",
                **_moment("starts_at", ph.starts_at),
                **_moment("ends_at", ph.starts_at + timedelta(hours=24)),
                "sprin_number": "Sprin/12/XI/2024",
                "sprin_date": "20/11/2024",
            },
        )

    made = post(newcomer)
    refused = post(on_duty.personnel)

    assert made.status_code == 302
    assert refused.status_code == 200
    assert "memegang tugas di luar periode BKO" in refused.content.decode()
    assert list(BkoIn.objects.values_list("personnel", flat=True)) == [newcomer.pk]


def test_the_admin_refuses_deleting_a_period_a_duty_lies_in(ops_admin, login, brimob):
    _saved(_duty(brimob, after_hours=2))
    BkoInFactory(
        personnel=brimob.personnel, starts_at=brimob.ends_at, ends_at=brimob.ends_at + timedelta(1)
    )
    client = login(ops_admin)

    response = client.post(f"/admin/deployments/bkoin/{brimob.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert "tidak dapat dihapus" in client.get(response["Location"]).content.decode()
    assert BkoIn.objects.filter(pk=brimob.pk).exists()


def test_the_admin_records_a_bko_out_and_refuses_one_over_a_duty(ops_admin, login):
    ph = phase()
    free, on_duty = PersonnelFactory(), AssignmentFactory().personnel
    client = login(ops_admin)

    def post(person):
        return client.post(
            "/admin/deployments/bkoout/add/",
            {
                "personnel": person.pk,
                "destination": "Polres Blitar",
                **_moment("starts_at", ph.starts_at),
                **_moment("ends_at", ph.starts_at + timedelta(hours=24)),
                "sprin_number": "Sprin/13/XI/2024",
                "sprin_date": "20/11/2024",
            },
        )

    made = post(free)
    refused = post(on_duty)

    assert made.status_code == 302
    assert "masih bertugas" in refused.content.decode()
    lent = Unavailability.objects.get()
    assert (lent.personnel, lent.kind, lent.destination) == (free, "bko_out", "Polres Blitar")


def test_the_unavailability_admin_leaves_bko_out_to_its_own_page(ops_admin, login):
    lent = _lent(PersonnelFactory(), phase().starts_at)
    lent.save()
    client = login(ops_admin)

    listing = client.get("/admin/deployments/unavailability/").content.decode()
    form = client.get("/admin/deployments/unavailability/add/").content.decode()
    own = client.get("/admin/deployments/bkoout/").content.decode()

    assert "Polres Blitar" not in listing and 'value="bko_out"' not in form
    assert "Polres Blitar" in own


def test_an_assignment_edited_in_the_admin_outside_the_bko_period_is_refused(
    ops_admin, login, brimob
):
    duty = _saved(_duty(brimob, after_hours=2, kind=PostKind.POSKO, post=PostFactory()))
    end = brimob.ends_at + timedelta(hours=2)

    response = admin_post(
        login(ops_admin),
        f"/admin/deployments/assignment/{duty.pk}/change/",
        "assignment_form",
        _moment("ends_at", end),
    )

    assert "hanya dapat ditugaskan di dalam periode BKO" in response.content.decode()
    duty.refresh_from_db()
    assert duty.ends_at < brimob.ends_at


# Two sessions at once


@pytest.mark.services  # PostgreSQL's row locks (migration 0017)
@pytest.mark.django_db(transaction=True)
def test_a_duty_and_a_shrunk_period_written_at_the_same_moment_do_not_both_pass():
    ph = phase()
    bko = BkoInFactory(starts_at=ph.starts_at, ends_at=ph.starts_at + timedelta(hours=24))

    def write(call):
        def run():
            with transaction.atomic():
                call()
                time.sleep(0.3)  # still uncommitted while the other writes

        return run

    duty = _duty(bko, after_hours=10)
    shrink = bko.__class__.objects.filter(pk=bko.pk)
    outcomes = in_parallel(
        write(duty.save),
        write(lambda: shrink.update(ends_at=ph.starts_at + timedelta(hours=8))),
    )

    refused = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert len(refused) == 1, outcomes
    bko.refresh_from_db()
    held = Assignment.objects.filter(personnel=bko.personnel).exists()
    assert held != (bko.ends_at == ph.starts_at + timedelta(hours=8))
