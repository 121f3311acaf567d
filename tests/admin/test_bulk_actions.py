"""Bulk work in the admin: assign many, cancel, replace a person, deactivate, fill gaps."""

from datetime import datetime

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from deployments.coverage import coverage_recompute
from deployments.models import Assignment, CoverageSnapshot, CoverageTPS, PostKind
from deployments.phases import WIB
from tests.admin.helpers import admin_post
from tests.factories import (
    AssignmentFactory,
    LinmasFactory,
    PersonnelFactory,
    PostFactory,
    SatlinmasFactory,
    SprinFactory,
    TPSFactory,
    phase,
)

CHECKBOX = helpers.ACTION_CHECKBOX_NAME


@pytest.fixture
def before_election(settings):
    settings.OPSBOARD_NOW = datetime(2024, 11, 20, 9, 0, tzinfo=WIB)


def _action(client, changelist: str, action: str, ids, **data):
    return client.post(
        reverse(changelist), {"action": action, CHECKBOX: [str(i) for i in ids], **data}
    )


@pytest.mark.django_db
def test_assign_selected_creates_one_assignment_per_person_over_the_same_tps(
    login, ops_admin, polsek_mojoroto, tps_006, tps_burengan
):
    client = login(ops_admin)
    pair = [PersonnelFactory(unit=polsek_mojoroto) for _ in range(2)]
    pemungutan = phase()
    changelist = "admin:deployments_personnel_changelist"

    page = _action(client, changelist, "assign_selected", [p.pk for p in pair])
    response = _action(
        client,
        changelist,
        "assign_selected",
        [p.pk for p in pair],
        apply="1",
        phase=pemungutan.pk,
        kind=PostKind.PAM_TPS,
        tps=[tps_006.pk, tps_burengan.pk],
        starts_at_0="2024-11-26",
        starts_at_1="13:00",
        ends_at_0="2024-11-28",
        ends_at_1="18:00",
    )

    assert page.status_code == 200
    assert "Tugaskan 2 personel" in page.content.decode()
    assert response.status_code == 302
    made = Assignment.objects.filter(personnel__in=pair)
    assert made.count() == 2
    for assignment in made:
        assert set(assignment.tps.all()) == {tps_006, tps_burengan}
        assert assignment.history.first().history_user == ops_admin


@pytest.mark.django_db
def test_assign_selected_writes_nothing_when_one_person_is_refused(
    login, ops_admin, polsek_mojoroto, tps_006
):
    client = login(ops_admin)
    free, busy = PersonnelFactory(unit=polsek_mojoroto), PersonnelFactory(unit=polsek_mojoroto)
    AssignmentFactory(personnel=busy, kind=PostKind.POSKO, post=PostFactory(name="Posko KPU"))
    pemungutan = phase()

    response = _action(
        client,
        "admin:deployments_personnel_changelist",
        "assign_selected",
        [free.pk, busy.pk],
        apply="1",
        phase=pemungutan.pk,
        kind=PostKind.PAM_TPS,
        tps=[tps_006.pk],
        starts_at_0="2024-11-26",
        starts_at_1="13:00",
        ends_at_0="2024-11-28",
        ends_at_1="18:00",
    )

    assert response.status_code == 200
    assert "tumpang tindih" in response.content.decode()
    assert "Posko KPU" in response.content.decode()
    assert not Assignment.objects.filter(personnel=free).exists()


@pytest.mark.django_db
def test_cancel_selected_asks_first_then_cancels_with_history(login, ops_admin, tps_006):
    client = login(ops_admin)
    assignments = [AssignmentFactory(tps=[tps_006]) for _ in range(3)]
    ids = [a.pk for a in assignments]
    changelist = "admin:deployments_assignment_changelist"

    page = _action(client, changelist, "cancel_selected", ids)
    untouched = Assignment.objects.filter(status=Assignment.Status.ACTIVE).count()
    response = _action(client, changelist, "cancel_selected", ids, apply="1")

    assert page.status_code == 200
    assert untouched == 3
    assert response.status_code == 302
    assert Assignment.objects.filter(status=Assignment.Status.CANCELLED).count() == 3
    record = assignments[0].history.first()
    assert record.status == Assignment.Status.CANCELLED
    assert record.history_user == ops_admin
    assert [r.tps_id for r in record.tps.all()] == [tps_006.pk]


@pytest.mark.django_db
def test_replace_person_moves_every_future_assignment_with_history(
    login, ops_admin, before_election, polsek_mojoroto, tps_006, tps_burengan
):
    client = login(ops_admin)
    sick, standby = (PersonnelFactory(unit=polsek_mojoroto) for _ in range(2))
    pemungutan = phase()
    first = AssignmentFactory(
        personnel=sick,
        tps=[tps_006],
        starts_at=pemungutan.starts_at,
        ends_at=datetime(2024, 11, 27, 0, 0, tzinfo=WIB),
    )
    second = AssignmentFactory(
        personnel=sick,
        tps=[tps_burengan],
        starts_at=datetime(2024, 11, 27, 0, 0, tzinfo=WIB),
        ends_at=pemungutan.ends_at,
    )
    changelist = "admin:deployments_personnel_changelist"

    page = _action(client, changelist, "replace_person", [sick.pk])
    response = _action(
        client, changelist, "replace_person", [sick.pk], apply="1", replacement=standby.pk
    )

    assert page.status_code == 200
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.personnel == standby and second.personnel == standby
    assert list(second.tps.all()) == [tps_burengan]
    record = first.history.first()
    assert record.history_user == ops_admin
    assert record.history_change_reason.startswith("Ganti personel")
    assert record.prev_record.personnel_id == sick.pk


@pytest.mark.django_db
def test_replace_person_is_refused_when_the_replacement_is_busy(
    login, ops_admin, before_election, polsek_mojoroto, tps_006
):
    client = login(ops_admin)
    sick, busy = (PersonnelFactory(unit=polsek_mojoroto) for _ in range(2))
    mine = AssignmentFactory(personnel=sick, tps=[tps_006])
    AssignmentFactory(personnel=busy, kind=PostKind.POSKO, post=PostFactory(name="Posko Bawaslu"))

    response = _action(
        client,
        "admin:deployments_personnel_changelist",
        "replace_person",
        [sick.pk],
        apply="1",
        replacement=busy.pk,
    )

    assert response.status_code == 200
    assert "Posko Bawaslu" in response.content.decode()
    mine.refresh_from_db()
    assert mine.personnel == sick


@pytest.mark.django_db
def test_deactivating_a_person_with_future_duties_asks_what_to_do(
    login, ops_admin, before_election, officer, tps_006
):
    client = login(ops_admin)
    duty = AssignmentFactory(personnel=officer, tps=[tps_006])
    url = reverse("admin:deployments_personnel_change", args=[officer.pk])

    asked = admin_post(client, url, "personnel_form", {"active": None})
    officer.refresh_from_db()
    still_active = officer.active
    from tests.admin.helpers import form_values

    carried = form_values(asked.content.decode(), "opsboard-deactivate-form")
    carried["future"] = ["cancel"]
    done = client.post(url, carried)

    assert asked.status_code == 200
    assert "masih memegang penugasan" in asked.content.decode()
    assert still_active is True
    assert done.status_code == 302
    officer.refresh_from_db()
    duty.refresh_from_db()
    assert officer.active is False
    assert duty.status == Assignment.Status.CANCELLED
    assert duty.history.first().history_user == ops_admin


@pytest.mark.django_db
def test_deactivating_and_replacing_moves_the_duties_to_the_replacement(
    login, ops_admin, before_election, officer, polsek_mojoroto, tps_006
):
    client = login(ops_admin)
    duty = AssignmentFactory(personnel=officer, tps=[tps_006])
    standby = PersonnelFactory(unit=polsek_mojoroto)
    url = reverse("admin:deployments_personnel_change", args=[officer.pk])
    from tests.admin.helpers import form_values

    asked = admin_post(client, url, "personnel_form", {"active": None})
    carried = form_values(asked.content.decode(), "opsboard-deactivate-form")
    carried.update(future=["replace"], replacement=[str(standby.pk)])
    done = client.post(url, carried)

    assert done.status_code == 302
    duty.refresh_from_db()
    assert duty.personnel == standby
    officer.refresh_from_db()
    assert officer.active is False


@pytest.mark.django_db
def test_fill_gaps_preview_writes_nothing_and_confirmation_closes_the_gaps(
    login, ops_admin, pattern, bandar_lor, burengan, polsek_mojoroto
):
    client = login(ops_admin)
    stations = [TPSFactory(desa=bandar_lor, number=n) for n in range(1, 5)]
    far = TPSFactory(desa=burengan, number=1, longitude="111.995000")
    satlinmas = SatlinmasFactory(desa=bandar_lor)
    for _ in range(8):
        LinmasFactory(unit=satlinmas)
    for _ in range(2):
        PersonnelFactory(unit=polsek_mojoroto)
    ids = [t.pk for t in [*stations, far]]
    changelist = "admin:tps_tps_changelist"
    sprin = SprinFactory(operation=phase().operation)

    preview = _action(client, changelist, "fill_gaps", ids)
    written_by_preview = Assignment.objects.count()
    tokens = [
        value
        for name, value in _hidden(preview.content.decode(), "opsboard-gaps-apply")
        if name == "proposal"
    ]
    applied = _action(
        client,
        changelist,
        "fill_gaps",
        ids,
        apply="1",
        phase=phase().pk,
        proposal=tokens,
        sprin=sprin.pk,
    )
    coverage_recompute(force=True)

    assert preview.status_code == 200
    text = preview.content.decode()
    assert "10 penugasan diusulkan" in text  # 8 Linmas, 2 Polri over the 4 TPS
    assert "Tidak ada Linmas Burengan" in text
    assert written_by_preview == 0
    assert applied.status_code == 302
    assert Assignment.objects.count() == 10
    snapshot = CoverageSnapshot.objects.current_for(phase())
    rows = {r.tps_id: r.status for r in CoverageTPS.objects.filter(snapshot=snapshot)}
    assert [rows[t.pk] for t in stations] == ["covered"] * 4
    assert rows[far.pk] == "unguarded"
    polri = Assignment.objects.filter(personnel__force="POLRI")
    assert all(set(a.tps.all()) == set(stations) for a in polri)
    assert set(Assignment.objects.values_list("sprin", flat=True)) == {sprin.pk}


@pytest.mark.django_db
def test_fill_gaps_refuses_a_proposal_gone_stale(
    login, ops_admin, pattern, bandar_lor, polsek_mojoroto
):
    client = login(ops_admin)
    tps = TPSFactory(desa=bandar_lor, number=1)
    satlinmas = SatlinmasFactory(desa=bandar_lor)
    linmas = [LinmasFactory(unit=satlinmas) for _ in range(2)]
    changelist = "admin:tps_tps_changelist"
    preview = _action(client, changelist, "fill_gaps", [tps.pk])
    tokens = [
        v for n, v in _hidden(preview.content.decode(), "opsboard-gaps-apply") if n == "proposal"
    ]
    AssignmentFactory(personnel=linmas[0], kind=PostKind.POSKO, post=PostFactory())

    sprin = SprinFactory(operation=phase().operation)
    applied = _action(
        client,
        changelist,
        "fill_gaps",
        [tps.pk],
        apply="1",
        phase=phase().pk,
        proposal=tokens,
        sprin=sprin.pk,
    )

    # The refusal is said on a fresh proposal, which no longer holds the busy Linmas.
    assert applied.status_code == 200
    assert Assignment.objects.filter(kind=PostKind.PAM_TPS).count() == 0
    text = applied.content.decode()
    assert "tidak ada yang disimpan" in text
    assert "tumpang tindih" in text


def _hidden(html: str, form_id: str) -> list[tuple[str, str]]:
    from tests.admin.helpers import form_values

    return [(n, v) for n, values in form_values(html, form_id).items() for v in values]
