"""The demo as the command sees it through the read API (issues 3 and 4, must show)."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from deployments.models import Assignment, CoverageSnapshot, CoverageTPS, Force, Phase

pytestmark = pytest.mark.usefixtures("seeded", "db")
User = get_user_model()
ELECTION_DAY = "2024-11-27T09:00:00+07:00"


@pytest.fixture(autouse=True)
def election_day(settings):
    from datetime import datetime

    settings.OPSBOARD_NOW = datetime.fromisoformat(ELECTION_DAY)


def as_user(client, username):
    client.force_login(User.objects.get(username=username), "opsboard.auth.OpsboardBackend")
    return client


def test_kabagops_sees_the_articles_figures(client):
    body = as_user(client, "kabagops").get("/api/summary.json").json()

    assert body["personnel"] == {"POLRI": 576, "TNI": 31, "LINMAS": 1678, "total": 2285}
    assert body["tps"]["total"] == 839
    assert len(body["tps"]["by_kecamatan"]) == 8
    assert body["coverage"]["tps_total"] == 839
    assert body["coverage"]["forces"]["LINMAS"]["fulfilment"] == 1.0


def test_polsek_mojoroto_sees_only_mojoroto(client):
    client = as_user(client, "polsek.mojoroto")

    summary = client.get("/api/summary.json").json()
    features = client.get("/api/tps.geojson", {"fields": "map"}).json()["features"]

    assert summary["tps"]["total"] == 154
    assert [k["code"] for k in summary["tps"]["by_kecamatan"]] == ["357101"]
    assert summary["coverage"]["tps_total"] == 154
    assert len(features) == 154


def test_a_field_officer_gets_403(client):
    response = as_user(client, "LM-3571011001-01").get("/api/summary.json")

    assert response.status_code == 403


def test_deleting_one_linmas_assignment_in_the_admin_turns_that_tps_alone_short(
    client, django_capture_on_commit_callbacks
):
    pemungutan = Phase.objects.get(code="pemungutan")
    before = CoverageSnapshot.objects.current_for(pemungutan)
    short_before = set(
        CoverageTPS.objects.filter(snapshot=before)
        .exclude(status="covered")
        .values_list("tps_id", flat=True)
    )
    linmas = (
        Assignment.objects.filter(personnel__force=Force.LINMAS, phase=pemungutan)
        .annotate(n=Count("tps"))
        .filter(n=1)
        .order_by("pk")
        .first()
    )
    tps = linmas.tps.get()
    admin = as_user(client, "operator")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin.post(f"/admin/deployments/assignment/{linmas.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert len(callbacks) == 1  # one recompute queued by the admin's delete, run in-process
    after = CoverageSnapshot.objects.current_for(pemungutan)
    assert after.pk != before.pk
    row = CoverageTPS.objects.get(snapshot=after, tps=tps)
    assert row.status == "short"
    feature = next(
        f
        for f in admin.get("/api/tps.geojson", {"desa": tps.desa.code}).json()["features"]
        if f["id"] == tps.pk
    )
    assert feature["properties"]["lacks"] == {"LINMAS": 1.0}
    short_after = set(
        CoverageTPS.objects.filter(snapshot=after)
        .exclude(status="covered")
        .values_list("tps_id", flat=True)
    )
    assert short_after - short_before == {tps.pk}
