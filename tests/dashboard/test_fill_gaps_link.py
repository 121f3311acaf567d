"""The gap table's way forward: admins get "Isi kekosongan", which opens the proposal for the
table's short TPS (same filters) and applies it under a Sprin; others get no link and no page."""

import re

import pytest
from django.urls import reverse

from deployments.models import Assignment, PostKind
from tests.admin.helpers import form_values
from tests.factories import LinmasFactory, PersonnelFactory, SatlinmasFactory, SprinFactory

PAGE = reverse("admin:tps_tps_fill_gaps")


def _link(html: str) -> str | None:
    found = re.search(r'id="fill-gaps-link" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def reserves(picture):
    """Four Linmas of the short TPS's desa not yet on duty, and two Polri free."""
    unit = SatlinmasFactory(desa=picture["short"].desa, code="satlinmas-cadangan")
    return [LinmasFactory(unit=unit) for _ in range(4)] + PersonnelFactory.create_batch(2)


def test_admins_get_the_link_with_the_tables_filters(login, ops_admin, picture):
    client = login(ops_admin)

    html = client.get("/", {"kecamatan": "357101", "status": "uncovered"}).content.decode()

    assert _link(html) == f"{PAGE}?kecamatan=357101&phase=pemungutan"


def test_command_staff_get_neither_link_nor_page(login, command_staff, picture):
    client = login(command_staff)

    html = client.get("/").content.decode()

    assert _link(html) is None
    assert client.get(PAGE).status_code == 403


def test_the_page_proposes_for_the_short_tps_and_applies_under_a_sprin(
    login, ops_admin, election_day, picture, reserves
):
    sprin = SprinFactory(operation=election_day)
    client = login(ops_admin)
    url = _link(client.get("/", {"kecamatan": "357101"}).content.decode())

    page = client.get(url)
    carried = form_values(page.content.decode(), "opsboard-gaps-apply")
    carried["sprin"] = [str(sprin.pk)]
    before = Assignment.objects.count()
    done = client.post(url, carried)

    text = page.content.decode()
    assert page.status_code == 200
    assert str(picture["short"]) in text and str(picture["unguarded"]) in text
    assert "belum bertugas" in text
    assert done.status_code == 302
    made = Assignment.objects.filter(sprin=sprin, kind=PostKind.PAM_TPS)
    assert made.count() == len(carried["proposal"]) == Assignment.objects.count() - before
    assert {t.pk for a in made for t in a.tps.all()} == {
        picture["short"].pk,
        picture["unguarded"].pk,
    }


def test_an_unknown_or_foreign_area_is_refused_in_indonesian(login, polsek_editor_other, picture):
    client = login(polsek_editor_other)

    response = client.get(PAGE, {"kecamatan": "357101"})  # Mojoroto, not theirs

    assert response.status_code == 400
    assert "Kode wilayah tidak dikenal: 357101" in response.content.decode()
    assert Assignment.objects.filter(sprin__isnull=False).count() == 0
