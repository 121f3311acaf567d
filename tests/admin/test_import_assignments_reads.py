"""What the set-based assignment import reads and skips, held to what it stands in for: the
people's duties read only within the file's span (cancelled ones too), rows by many keys
(among) as an IN list finds them, and the checks against bookings skipping clean_fields only
where it would say nothing."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError

from deployments.models import Assignment, Personnel, PostKind
from deployments.models.assignment import Bookings
from deployments.phases import WIB
from deployments.services.assignments import assignment_validate
from deployments.services.assignments_reads import among, bookings_of
from tests.factories import AssignmentFactory, PersonnelFactory, phase

pytestmark = pytest.mark.django_db


def at(day: int, hour: int) -> datetime:
    return datetime(2024, 11, day, hour, 0, tzinfo=WIB)


def test_only_the_duties_meeting_the_span_are_read_cancelled_ones_too(operation, officer):
    window = {"phase": phase(), "kind": PostKind.PAM_TPS}
    before = AssignmentFactory(personnel=officer, starts_at=at(26, 6), ends_at=at(26, 8), **window)
    meets = AssignmentFactory(personnel=officer, starts_at=at(26, 9), ends_at=at(26, 13), **window)
    cancelled = AssignmentFactory(
        personnel=officer,
        starts_at=at(26, 14),
        ends_at=at(26, 16),
        status=Assignment.Status.CANCELLED,
        **window,
    )
    after = AssignmentFactory(personnel=officer, starts_at=at(27, 6), ends_at=at(27, 8), **window)

    spanned = bookings_of([officer], within=(at(26, 8), at(26, 15)))
    everything = bookings_of([officer])

    assert {d.pk for d in spanned.duties[officer.pk]} == {meets.pk, cancelled.pk}
    assert {d.pk for d in everything.duties[officer.pk]} == {
        before.pk,
        meets.pk,
        cancelled.pk,
        after.pk,
    }


def test_among_finds_what_an_in_list_finds(polsek_mojoroto):
    people = [PersonnelFactory(unit=polsek_mojoroto) for _ in range(5)]
    wanted = [p.identifier for p in people[1:4]] + ["tidak-ada"]

    found = [p for part in among(Personnel.objects.all(), "identifier", wanted) for p in part]
    by_pk = [p for part in among(Personnel.objects.all(), "pk", [people[0].pk]) for p in part]

    assert sorted(p.pk for p in found) == sorted(
        Personnel.objects.filter(identifier__in=wanted).values_list("pk", flat=True)
    )
    assert by_pk == [people[0]]
    assert list(among(Personnel.objects.all(), "pk", [])) == []


def _duty(officer, **values) -> Assignment:
    base = {
        "personnel": officer,
        "phase": phase(),
        "kind": PostKind.POSKO,
        "starts_at": at(26, 8),
        "ends_at": at(26, 12),
    }
    return Assignment(**{**base, **values})


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "pam_pasar"},  # not a kind: clean_fields names it
        {"status": "selesai"},
        {"ends_at": None},
        {"linmas_other_desa_reason": None},
    ],
    ids=["kind", "status", "no end", "no reason"],
)
def test_a_field_clean_fields_would_refuse_is_refused_as_full_clean_refuses_it(
    operation, officer, values
):
    with pytest.raises(ValidationError) as by_bookings:
        assignment_validate(_duty(officer, **values), tps=[], bookings=Bookings([], []))
    with pytest.raises(ValidationError) as by_database:
        assignment_validate(_duty(officer, **values), tps=[])

    assert by_bookings.value.message_dict == by_database.value.message_dict


def test_clean_fields_is_skipped_only_for_plain_values(operation, officer, monkeypatch):
    def refuse(self, exclude=None):
        raise ValidationError({"kind": ["clean_fields ran"]})

    monkeypatch.setattr(Assignment, "clean_fields", refuse)
    post = {"post": None, "kind": PostKind.PAM_TPS}

    # Plain values: the rules run, clean_fields does not (it would have said nothing).
    with pytest.raises(ValidationError) as plain:
        assignment_validate(_duty(officer, **post), tps=[], bookings=Bookings([], []))
    with pytest.raises(ValidationError) as odd:
        assignment_validate(
            _duty(officer, **post, status="selesai"), tps=[], bookings=Bookings([], [])
        )

    assert "clean_fields ran" not in str(plain.value)
    assert "clean_fields ran" in str(odd.value)
