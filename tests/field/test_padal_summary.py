"""A Padal's and a Kapolsek's /me/ opens with their sector's summary: how many TPS have no
check-in yet, no status step yet, or an open report, the first of them named, before the long
list of every TPS; from the sector's own query, in a fixed number of queries whatever the
sector's size, and within /me/'s byte budget."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from deployments.models import PostKind
from deployments.services import personnel_account_create
from field.models import SituationReport
from field.selectors.sector import SUMMARY_LISTED
from field.services import checkin_record, tps_status_step_record
from tests.factories import (
    AssignmentFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    TPSFactory,
)
from tests.field.helpers import ELECTION_DAY_9AM, guard_at, key

FIELD_ASSETS = ("field/field.css", "field/field.js")


@pytest.fixture
def sector(election_day, tps_a, mojoroto):
    """Mojoroto: its Polsek with a Kapolsek (AKP, no duty) and a Padal (Iptu, a Padal post in
    Bandar Lor); tps_a checked in with a status step; TPS 7 checked in, no step, an open
    gangguan report; TPS 8 nothing; TPS 9 an aman report and a handled one (no problem)."""
    polsek = PolsekFactory(kecamatan=mojoroto)
    kapolsek = PersonnelFactory(unit=polsek, rank="AKP", name="Kapolsek Mojoroto")
    padal = PersonnelFactory(unit=polsek, rank="Iptu", name="Padal Mojoroto")
    post = PostFactory(kind=PostKind.PADAL, name="Padal Sektor Mojoroto", desa=tps_a.desa)
    AssignmentFactory(personnel=padal, kind=PostKind.PADAL, post=post)
    seven, eight, nine = (TPSFactory(desa=tps_a.desa, number=n) for n in (7, 8, 9))
    guards = {station: guard_at(station) for station in (tps_a, seven)}
    for station, guard in guards.items():
        checkin_record(person=guard, tps=station)
    tps_status_step_record(person=guards[tps_a], tps=tps_a, step=1)
    for station, kind, handled in ((seven, "gangguan", None), (nine, "aman", None)):
        SituationReport.objects.create(
            tps=station, kind=kind, at=ELECTION_DAY_9AM, idempotency_key=key(), handled_at=handled
        )
    SituationReport.objects.create(
        tps=nine,
        kind="hoaks",
        at=ELECTION_DAY_9AM,
        idempotency_key=key(),
        handled_at=ELECTION_DAY_9AM,
    )
    return {"kapolsek": kapolsek, "padal": padal, "tps": [tps_a, seven, eight, nine]}


def _me(login, person) -> str:
    return login(personnel_account_create(personnel=person)).get("/me/").content.decode()


def _problem(body: str, label: str) -> str:
    start = body.index(f"<h3>{label}: ")
    return body[start : body.index("</div>", start)]


@pytest.mark.parametrize("who", ["padal", "kapolsek"])
def test_opens_with_the_sectors_problems_counted_and_named(login, sector, who):
    body = _me(login, sector[who])

    assert "Ringkasan sektor: Mojoroto · 4 TPS" in body
    reports = _problem(body, "Laporan terbuka")
    assert "<b>1</b> TPS" in reports and "007 Bandar Lor" in reports
    unchecked = _problem(body, "Belum check-in")
    assert "<b>2</b> TPS" in unchecked
    assert "008 Bandar Lor" in unchecked and "009 Bandar Lor" in unchecked
    no_status = _problem(body, "Belum ada status")
    assert "<b>3</b> TPS" in no_status and "006 Bandar Lor" not in no_status
    assert body.index("Ringkasan sektor") < body.index('id="sektor"')


def test_a_guard_gets_no_summary(login, field_officer, sector):
    body = login(field_officer).get("/me/").content.decode()

    assert "Ringkasan sektor" not in body
    assert "Sektor saya" not in body


def test_a_sector_without_problems_says_so(login, sector):
    for station in sector["tps"][1:]:
        guard = guard_at(station)
        checkin_record(person=guard, tps=station)
        tps_status_step_record(person=guard, tps=station, step=1)
    SituationReport.objects.update(handled_at=ELECTION_DAY_9AM)

    body = _me(login, sector["padal"])

    assert "Semua TPS sudah check-in dan berstatus, tanpa laporan terbuka." in body


def test_names_the_first_tps_of_a_problem_and_counts_the_rest(login, sector, tps_a):
    for number in range(10, 30):
        TPSFactory(desa=tps_a.desa, number=number)

    body = _me(login, sector["padal"])

    unchecked = _problem(body, "Belum check-in")
    assert "<b>22</b> TPS" in unchecked
    assert unchecked.count('href="#sektor-tps-') == SUMMARY_LISTED
    assert f"dan {22 - SUMMARY_LISTED} TPS lainnya" in unchecked


@pytest.mark.parametrize("extra", [0, 30])
@pytest.mark.parametrize("who, queries", [("padal", 8), ("kapolsek", 7)])
def test_takes_the_same_queries_whatever_the_sector_size(
    login, sector, tps_a, django_assert_num_queries, who, queries, extra
):
    for number in range(10, 10 + extra):
        station = TPSFactory(desa=tps_a.desa, number=number)
        checkin_record(person=guard_at(station), tps=station)
    client = login(personnel_account_create(personnel=sector[who]))

    # 1 the session, 2 the user with their role, 3 the assignments not ended; a Padal 4 whom
    # to report to (their post's kecamatan); 5 whether they lead their Polsek, 6 the sector
    # with check-ins, steps and open reports, 7 open instructions, 8 open panics they were told
    # of. (tests/field/test_me_plans.py counts the same at 20,000 TPS.)
    with django_assert_num_queries(queries):
        response = client.get("/me/")

    assert response.status_code == 200
    assert f"· {4 + extra} TPS" in response.content.decode()


def test_a_polri_guard_takes_eight_queries(login, sector, tps_a, django_assert_num_queries):
    officer = PersonnelFactory(unit=sector["padal"].unit)
    AssignmentFactory(personnel=officer, tps=[tps_a])
    client = login(personnel_account_create(personnel=officer))

    # As a Linmas's seven (tests/field/test_me.py), and whether they lead their Polsek.
    with django_assert_num_queries(8):
        response = client.get("/me/")

    assert "Ringkasan sektor" not in response.content.decode()


def test_a_large_sector_stays_within_the_byte_budget(login, sector, tps_a):
    for number in range(10, 150):
        TPSFactory(desa=tps_a.desa, number=number)

    body = _me(login, sector["padal"]).encode()

    # As test_me.py counts the guard's page: the page with the stylesheet and script it loads.
    total = len(body) + sum(Path(finders.find(f)).stat().st_size for f in FIELD_ASSETS)
    assert "· 144 TPS" in body.decode()
    assert total < 60 * 1024, f"{total} bytes"
