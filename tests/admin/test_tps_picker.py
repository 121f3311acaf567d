"""The assignment form's TPS picker says each TPS's coverage, from the current snapshot, in one
query for all its options; the move action ends one duty and starts the next in one step."""

from datetime import timedelta

import pytest
from django.urls import reverse

from deployments.coverage import coverage_recompute
from deployments.models import Assignment, PostKind
from tests.factories import (
    AssignmentFactory,
    LinmasFactory,
    PostFactory,
    SatlinmasFactory,
    TPSFactory,
    phase,
)

PICKER = {"app_label": "deployments", "model_name": "assignment", "field_name": "tps"}


@pytest.fixture
def stations(pattern, bandar_lor, burengan, tps_006, tps_burengan, officer):
    """TPS 006 Bandar Lor covered (1 Polri, 2 Linmas); TPS 007 short of Polri; TPS 006
    Burengan unguarded (Polri 2 per 4 kurang rawan TPS: ½ each; Linmas 2 per TPS)."""
    pemungutan = phase()
    short = TPSFactory(desa=bandar_lor, number=7)
    satlinmas = SatlinmasFactory(desa=bandar_lor)
    for tps in (tps_006, tps_006, short, short):
        AssignmentFactory(personnel=LinmasFactory(unit=satlinmas), phase=pemungutan, tps=[tps])
    AssignmentFactory(personnel=officer, phase=pemungutan, tps=[tps_006])
    coverage_recompute()
    return {"covered": tps_006, "short": short, "unguarded": tps_burengan}


def _texts(response) -> dict[str, str]:
    return {row["id"]: row["text"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_picker_options_say_what_each_tps_lacks(login, ops_admin, stations):
    client = login(ops_admin)
    url = reverse("admin:tps_tps_coverage_autocomplete")

    texts = _texts(client.get(url, PICKER))

    assert texts[str(stations["covered"].pk)] == "TPS 006 · Bandar Lor — terpenuhi"
    assert texts[str(stations["short"].pk)] == "TPS 007 · Bandar Lor — kurang 1 Polri untuk 2 TPS"
    assert texts[str(stations["unguarded"].pk)] == (
        "TPS 006 · Burengan — tanpa penjaga, kurang 1 Polri untuk 2 TPS, 2 Linmas"
    )


@pytest.mark.django_db
def test_picker_reads_every_option_in_one_query(
    login, ops_admin, stations, bandar_lor, django_assert_num_queries
):
    client = login(ops_admin)
    url = reverse("admin:tps_tps_coverage_autocomplete")
    few = len(_texts(client.get(url, PICKER)))
    for n in range(10, 30):  # more than a page of 20
        TPSFactory(desa=bandar_lor, number=n)

    # session, user, the user's and the groups' permissions; operation + its phases, the
    # current snapshot; the page's count and its rows with their desa and coverage (one
    # join): 9, for 3 options or 20.
    with django_assert_num_queries(9):
        many = len(_texts(client.get(url, PICKER)))

    assert (few, many) == (3, 20)


@pytest.mark.django_db
def test_chosen_tps_show_their_coverage_on_the_assignment_form(login, ops_admin, stations):
    client = login(ops_admin)
    duty = Assignment.objects.filter(tps=stations["covered"], personnel__force="POLRI").get()

    html = client.get(reverse("admin:deployments_assignment_change", args=[duty.pk])).content
    html = html.decode()

    assert "TPS 006 · Bandar Lor — terpenuhi" in html
    assert reverse("admin:tps_tps_coverage_autocomplete") in html


@pytest.mark.django_db
def test_polsek_staff_pick_only_their_kecamatan(login, polsek_editor_other, stations):
    client = login(polsek_editor_other)

    response = client.get(reverse("admin:tps_tps_coverage_autocomplete"), PICKER)

    assert response.status_code == 200
    assert _texts(response) == {}


def _move(client, duty, **data):
    return client.post(
        reverse("admin:deployments_assignment_changelist"),
        {"action": "move_selected", "_selected_action": [str(duty.pk)], **data},
    )


@pytest.mark.django_db
def test_move_action_confirms_then_moves_in_one_step(login, ops_admin, officer, tps_burengan):
    pemungutan = phase()
    reserve = AssignmentFactory(
        personnel=officer,
        phase=pemungutan,
        kind=PostKind.CADANGAN,
        post=PostFactory(kind=PostKind.CADANGAN, name="Cadangan Polres"),
    )
    client = login(ops_admin)
    at = pemungutan.starts_at + timedelta(hours=13)

    asked = _move(client, reserve)
    done = _move(
        client,
        reserve,
        apply="1",
        at_0="2024-11-26",
        at_1="13:00",
        ends_at_0="2024-11-28",
        ends_at_1="18:00",
        kind=PostKind.PAM_TPS,
        tps=[str(tps_burengan.pk)],
    )

    assert asked.status_code == 200
    assert "Pindahkan tugas Andi Wijaya" in asked.content.decode()
    assert done.status_code == 302
    reserve.refresh_from_db()
    assert reserve.ends_at == at
    new = Assignment.objects.get(personnel=officer, kind=PostKind.PAM_TPS)
    assert new.starts_at == at and list(new.tps.all()) == [tps_burengan]


@pytest.mark.django_db
def test_move_action_refusal_says_why_and_changes_nothing(
    login, ops_admin, linmas_bandar_lor, tps_006, tps_burengan
):
    pemungutan = phase()
    duty = AssignmentFactory(personnel=linmas_bandar_lor, phase=pemungutan, tps=[tps_006])
    client = login(ops_admin)

    refused = _move(
        client,
        duty,
        apply="1",
        at_0="2024-11-26",
        at_1="13:00",
        ends_at_0="2024-11-28",
        ends_at_1="06:00",
        kind=PostKind.PAM_TPS,
        tps=[str(tps_burengan.pk)],
    )

    assert refused.status_code == 422
    text = refused.content.decode()
    assert "Tidak dipindahkan; tidak ada yang diubah." in text
    assert "desanya sendiri" in text
    duty.refresh_from_db()
    assert duty.ends_at == pemungutan.ends_at
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_move_action_takes_one_duty_at_a_time(login, ops_admin, officer, linmas_bandar_lor):
    duties = [AssignmentFactory(personnel=p) for p in (officer, linmas_bandar_lor)]
    client = login(ops_admin)

    response = client.post(
        reverse("admin:deployments_assignment_changelist"),
        {"action": "move_selected", "_selected_action": [str(d.pk) for d in duties]},
        follow=True,
    )

    assert "Pilih tepat satu penugasan untuk dipindahkan." in response.content.decode()
