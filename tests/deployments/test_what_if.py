"""What if: moving people previews each place's coverage before and after, and saves the same."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from deployments.models import (
    Assignment,
    CoverageStatus,
    Force,
    GuardNorm,
    PostKind,
    Unavailability,
)
from deployments.services.coverage_change import tps_coverage
from deployments.services.what_if import Move, move_people, preview_move
from tests.factories import (
    AssignmentFactory,
    OperationFactory,
    PersonnelFactory,
    PostFactory,
    SecurityPatternFactory,
    TPSFactory,
    UserFactory,
    phase,
)


@pytest.fixture
def pemungutan():
    return phase()


@pytest.fixture
def ppk(pemungutan):
    GuardNorm.objects.create(
        operation=pemungutan.operation,
        post_kind=PostKind.PPK,
        force=Force.POLRI,
        personnel_per_shift=2,
    )
    return PostFactory(kind=PostKind.PPK, name="PPK Mojoroto", kerawanan="rawan")


@pytest.fixture
def kabagops():
    return UserFactory(username="kabagops.simulasi")


def _reserves(pemungutan, count):
    post = PostFactory(kind=PostKind.CADANGAN, name="Cadangan Polres")
    people = PersonnelFactory.create_batch(count)
    for person in people:
        AssignmentFactory(personnel=person, phase=pemungutan, kind=PostKind.CADANGAN, post=post)
    return people, post


def _rows():
    return sorted(
        Assignment.objects.values_list("pk", "personnel_id", "status", "starts_at", "ends_at")
    )


@pytest.mark.django_db
def test_moving_the_reserve_to_a_post_shows_it_covered_and_saves_nothing(pemungutan, ppk, kabagops):
    people, reserve_post = _reserves(pemungutan, 2)
    at = pemungutan.starts_at + timedelta(hours=6)
    move = Move(
        people=people, phase=pemungutan, starts_at=at, ends_at=at + timedelta(hours=8), post=ppk
    )
    before = _rows()

    preview = preview_move(move, by=kabagops)

    assert preview.refusals == []
    places = {p.label: p for p in preview.places}
    target = places[str(ppk)]
    assert target.required[Force.POLRI] == 2.0
    assert (target.before[Force.POLRI], target.after[Force.POLRI]) == (0.0, 2.0)
    assert (target.status_before, target.status_after) == (
        CoverageStatus.UNGUARDED,
        CoverageStatus.COVERED,
    )
    source = places[str(reserve_post)]
    assert (source.before[Force.POLRI], source.after[Force.POLRI]) == (2.0, 0.0)
    assert source.required[Force.POLRI] is None  # a reserve has no guard norm
    assert len(preview.changes) == 2 and all("ditarik dari" in c for c in preview.changes)
    assert _rows() == before  # the preview rolled its move back


@pytest.mark.django_db
def test_a_tps_left_unguarded_comes_first_and_saving_gives_the_preview(pemungutan, ppk, kabagops):
    SecurityPatternFactory(operation=pemungutan.operation, personnel_count=1, tps_count=1)
    tps = TPSFactory(kerawanan="kurang_rawan")
    guard = PersonnelFactory()
    later = pemungutan.starts_at + timedelta(hours=2)
    AssignmentFactory(personnel=guard, phase=pemungutan, starts_at=later, tps=[tps])
    move = Move(
        people=[guard],
        phase=pemungutan,
        starts_at=pemungutan.starts_at,
        ends_at=pemungutan.starts_at + timedelta(hours=8),
        post=ppk,
    )

    preview = preview_move(move, by=kabagops)

    first = preview.places[0]
    assert first.label == str(tps) and first.worse
    assert (first.status_before, first.status_after) == (
        CoverageStatus.COVERED,
        CoverageStatus.UNGUARDED,
    )
    move_people(move, by=kabagops)
    # The duty had not begun: it is cancelled, as the preview said, and the TPS is unguarded.
    again = preview_move(move, by=kabagops)
    assert any("sudah bertugas di" in r for r in again.refusals)
    saved = tps_coverage(phase=pemungutan, tps_ids=[tps.pk])[tps.pk]
    assert (saved.status, saved.assigned) == (first.status_after, first.after)
    old = Assignment.objects.get(personnel=guard, kind=PostKind.PAM_TPS)
    assert old.status == Assignment.Status.CANCELLED
    assert Assignment.objects.get(personnel=guard, post=ppk).starts_at == pemungutan.starts_at


@pytest.mark.django_db
def test_one_unavailable_person_refuses_the_whole_move(pemungutan, ppk, kabagops):
    people, _post = _reserves(pemungutan, 2)
    at = pemungutan.ends_at + timedelta(days=1)
    sick = PersonnelFactory(name="Briptu Sakit")
    Unavailability.objects.create(
        personnel=sick, kind="sick", starts_at=at, ends_at=at + timedelta(days=2)
    )
    later = OperationFactory().phases.filter(starts_at__gte=at).order_by("starts_at").first()
    move = Move(
        people=[*people, sick],
        phase=later or pemungutan,
        starts_at=at,
        ends_at=at + timedelta(hours=8),
        post=ppk,
    )
    before = _rows()

    preview = preview_move(move, by=kabagops)

    assert not preview.can_save
    assert any("Briptu Sakit" in r for r in preview.refusals)
    with pytest.raises(ValidationError):
        move_people(move, by=kabagops)
    assert _rows() == before


@pytest.mark.django_db
def test_someone_sent_to_an_incident_is_not_moved(pemungutan, ppk, kabagops):
    person = PersonnelFactory(name="Bripka Dikirim")
    at = pemungutan.starts_at + timedelta(hours=3)
    AssignmentFactory(
        personnel=person,
        phase=pemungutan,
        kind=PostKind.KEJADIAN,
        starts_at=at - timedelta(hours=1),
        ends_at=at + timedelta(hours=1),
    )
    move = Move(
        people=[person], phase=pemungutan, starts_at=at, ends_at=at + timedelta(hours=4), post=ppk
    )
    preview = preview_move(move, by=kabagops)
    assert any("menangani kejadian" in r for r in preview.refusals)
