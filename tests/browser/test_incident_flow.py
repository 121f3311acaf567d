"""Issue #15's must-show, end to end in Debian's headless Chromium (docs/incidents.md).

A Linmas on a phone (390×844) sends an urgent report from /me/; kabagops, whose dashboard
(1440×900) was open before, sees the incident come onto the incident board and the map without
reloading; verifies it; opens "Kirim personel", picks the two nearest reserve (cadangan) Polri,
reads the coverage preview and sends them; each reserve's phone shows the dispatch card on top
of /me/; they press Tiba and Selesai through the offline queue; the incident ends selesai, and
its page shows the timeline in order and the response-clock minutes of the times driven.

The data are the test's own (factories, pytest-django's live server in this process). The
operation clock (settings.OPSBOARD_NOW, which the live server reads) is moved forward by hand
between the steps, so the minutes are exact; nothing sleeps. The board's poll is shortened only
through panels.js's documented hook (its `data-panel-seconds` attribute).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from playwright.sync_api import expect

from deployments.models import PostKind
from deployments.services import personnel_account_create
from field.incidents.models import Incident, IncidentState
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.factories import (
    AssignmentFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SecurityPatternFactory,
    phase,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KM = Decimal("0.008983")  # one km of latitude
PASSWORD = "test-Pass-2024"
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "locale": "id-ID"}
REPORT_TEXT = "Massa dua kubu saling dorong di depan TPS 006 (uji alur kejadian)."
# The minutes after the report (09.00 WIB) at which each step is driven.
VERIFY, DISPATCH, ARRIVE, SECOND_ARRIVES, FIRST_DONE, RESOLVE = 4, 11, 26, 29, 47, 53
STORY = (
    "created",
    "verified",
    "dispatched",
    "responder_arrived",
    "arrived",
    "responder_finished",
    "resolved",
)


@pytest.fixture
def reserves(election_day, mojoroto, tps_a):
    """Three Polri of Polsek Mojoroto on cadangan duty 1, 2 and 6 km north of TPS A, each with
    an account; the two nearest are the pair to send."""
    SecurityPatternFactory(operation=election_day)
    polsek = PolsekFactory(kecamatan=mojoroto)
    people = []
    for name, km in (("Andi Cadangan", 1), ("Budi Cadangan", 2), ("Cakra Cadangan", 6)):
        person = PersonnelFactory(unit=polsek, name=name)
        post = PostFactory(
            kind=PostKind.CADANGAN,
            name=f"Cadangan {name}",
            latitude=tps_a.latitude + km * KM,
            longitude=tps_a.longitude,
        )
        AssignmentFactory(personnel=person, phase=phase(), kind=PostKind.CADANGAN, post=post)
        personnel_account_create(personnel=person, password=PASSWORD)
        people.append(person)
    return people


def _session_cookie(user, host: str) -> dict:
    client = Client()
    client.force_login(user, backend="opsboard.auth.OpsboardBackend")
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
    }


def _shorten_board_poll(page) -> None:
    page.evaluate(
        "() => { const b = document.getElementById('incident-board');"
        " if (b) { b.dataset.panelSeconds = '1'; } }"
    )


def _incident() -> Incident:
    """The one incident, read between browser steps. Inside Playwright's sync API the ORM sees
    another async context than the test's and opens a connection of its own: closed at once,
    or the test database could not be dropped at the end."""
    try:
        return Incident.objects.get()
    finally:
        connections.close_all()


def test_urgent_report_to_resolved_with_dispatch_of_the_nearest_reserve_pair(
    live_server, settings, field_officer, command_staff, reserves, tps_a, monkeypatch
):
    from playwright.sync_api import sync_playwright

    start = settings.OPSBOARD_NOW  # 09.00 WIB on election day (the election_day fixture)

    def at(minutes: int) -> None:
        """The operation clock, `minutes` after the report: the live server reads it."""
        settings.OPSBOARD_NOW = start + timedelta(minutes=minutes)

    # Playwright's sync API keeps an event loop in this thread; the ORM is used here only
    # between its calls, and the live server answers from its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    host = base.split("//", 1)[1].split(":")[0]
    andi, budi, _cakra = reserves
    problems: list[str] = []

    def watch(page):
        page.on("pageerror", lambda error: problems.append(str(error)))

    def block_foreign(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.abort()  # map tiles: the page must not need another host

    # Signed in up front, before Playwright's event loop runs in this thread.
    users = [command_staff, field_officer, andi.user, budi.user]
    cookies = {user.pk: _session_cookie(user, host) for user in users}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def context(user, **options):
            ctx = browser.new_context(**options)
            ctx.route("**/*", block_foreign)
            ctx.add_cookies([cookies[user.pk]])
            return ctx

        # The command's dashboard, open before anything is reported.
        desk = context(command_staff, **DESKTOP)
        board_page = desk.new_page()
        watch(board_page)
        board_page.goto(base + "/")
        board = board_page.locator("#incident-board")
        expect(board.locator("h2")).to_contain_text("Kejadian terbuka", timeout=20_000)
        expect(board).to_contain_text("Tidak ada kejadian terbuka.")
        board_page.wait_for_selector("#map[data-incidents='0']", timeout=20_000)
        board_page.evaluate("() => { window.notReloaded = true; }")

        # The Linmas's phone: an urgent situation report from /me/.
        at(0)
        phone = context(field_officer, **PHONE)
        linmas = phone.new_page()
        watch(linmas)
        linmas.goto(base + "/me/")
        report = linmas.locator("form.report-form")
        report.locator("label.kind-gangguan").click()
        report.locator("textarea").fill(REPORT_TEXT)
        report.locator("#id_urgent").check()
        report.locator("button[type=submit]").click()
        report.locator("[data-role=result]").filter(has_text="terkirim").wait_for(timeout=20_000)
        incident = _incident()
        number = incident.number
        assert incident.reported_at == start

        # Kabagops sees it on the board and on the map, the page never reloaded. The board's
        # next poll is made due now (each answer brings back its 30 s).
        _shorten_board_poll(board_page)
        row = board_page.locator(f"#incident-board #kejadian-{incident.pk}")
        expect(row).to_contain_text(number, timeout=20_000)
        expect(row).to_contain_text("Dilaporkan")
        board_page.wait_for_selector("#map[data-incidents='1']", timeout=20_000)
        expect(board_page.locator("#map .incident-icon")).to_have_count(1)
        assert board_page.evaluate("() => window.notReloaded === true")

        # The incident page: verify.
        at(VERIFY)
        row.locator("a", has_text=number).click()
        board_page.wait_for_url(f"**/lapangan/kejadian/{incident.pk}/")
        facts = board_page.locator(f"#kejadian-{incident.pk}")
        facts.locator("input[name=action][value=verify] ~ button").click()
        expect(board_page.locator(f"#kejadian-{incident.pk} .tag.state")).to_have_text(
            "Diverifikasi"
        )

        # "Kirim personel": the two nearest reserve, the coverage preview, then send.
        at(DISPATCH)
        board_page.locator(f"#kejadian-{incident.pk} a", has_text="Kirim personel").click()
        board_page.wait_for_url(f"**/lapangan/kejadian/{incident.pk}/personel/")
        rows = board_page.locator("#dispatch-candidates tbody tr")
        expect(rows).to_have_count(3)
        names = [re.sub(r"\s+", " ", t) for t in rows.locator("td:nth-child(2)").all_inner_texts()]
        assert [n.split(" Polri")[0].strip() for n in names] == [
            "Bripka Andi Cadangan",
            "Bripka Budi Cadangan",
            "Bripka Cakra Cadangan",
        ], names
        for person in (andi, budi):
            board_page.locator(f"#personnel-{person.pk}").check()
        with board_page.expect_response(lambda r: "/personel/pratinjau/" in r.url) as shown:
            board_page.locator("#dispatch-candidates button", has_text="Pratinjau").click()
        assert shown.value.status == 200
        preview = board_page.locator("#dispatch-preview")
        expect(preview.locator("h3")).to_have_text("Pratinjau")
        expect(preview.locator("li")).to_have_count(2)
        expect(preview).to_contain_text("Andi Cadangan: meninggalkan")
        expect(preview).to_contain_text("Budi Cadangan: meninggalkan")
        assert "Cakra" not in preview.inner_text()
        preview.locator("input[name=note]").fill("Amankan TPS 006")
        preview.locator("button", has_text="Kirim").click()
        board_page.wait_for_url(f"**/lapangan/kejadian/{incident.pk}/")
        expect(board_page.locator(".flash")).to_contain_text(f"{number}: 2 personel dikirim.")
        expect(board_page.locator(f"#kejadian-{incident.pk} .tag.state")).to_have_text(
            "Ditangani (unit dikirim)"
        )

        # The reserves' phones: the dispatch card on top of /me/; Tiba, then Selesai.
        phones = {}
        for person in (andi, budi):
            ctx = context(person.user, **PHONE)
            page = ctx.new_page()
            watch(page)
            page.goto(base + "/me/")
            card = page.locator("section#kejadian")
            expect(card).to_contain_text(f"Anda dikirim ke kejadian {number}")
            expect(card).to_contain_text("Amankan TPS 006")
            first = page.locator("main section").first
            assert first.get_attribute("id") == "kejadian", first.inner_html()[:200]
            phones[person.pk] = page

        def press(person, step: str, minutes: int, note: str = ""):
            at(minutes)
            card = phones[person.pk].locator("section#kejadian")
            form = card.locator("form", has=card.page.locator(f"input[name=step][value={step}]"))
            if note:
                form.locator("input[name=note]").fill(note)
            form.locator("button[type=submit]").click()
            label = {"tiba": "Tiba", "selesai": "Selesai"}[step]
            clock = f"09.{minutes:02d}"
            form.locator("[data-role=result]").filter(
                has_text=f"{label} {number} tercatat {clock}"
            ).wait_for(timeout=20_000)

        press(andi, "tiba", ARRIVE)
        press(budi, "tiba", SECOND_ARRIVES)
        press(andi, "selesai", FIRST_DONE, "Massa dipisahkan, Andi kembali ke pos")
        assert _incident().state == IncidentState.DI_LOKASI  # Budi still there
        press(budi, "selesai", RESOLVE, "Massa bubar dengan tertib")
        assert _incident().state == IncidentState.SELESAI

        # The incident page: selesai, its timeline in order, the response clock's minutes.
        board_page.goto(f"{base}/lapangan/kejadian/{incident.pk}/")
        facts = board_page.locator(f"#kejadian-{incident.pk}")
        expect(facts.locator(".tag.state")).to_have_text("Selesai")
        clock_line = re.sub(r"\s+", " ", facts.locator(".clock").inner_text())
        assert clock_line == (
            f"Jam respons (menit): verifikasi {VERIFY} · kirim {DISPATCH} · "
            f"tiba {ARRIVE} · selesai {RESOLVE}"
        ), clock_line
        expect(board_page.locator("#facts-title + ul + p")).to_contain_text(
            "Massa bubar dengan tertib"
        )
        lines = board_page.locator(".incident-timeline li")
        timeline = [
            (kind.removeprefix("event-"), text.split(" · ")[0].removesuffix(" WIB"), text)
            for kind, text in zip(
                lines.evaluate_all("els => els.map(e => e.className)"),
                lines.all_inner_texts(),
                strict=True,
            )
        ]
        story = [(k, t) for k, t, _ in timeline if k in STORY]
        assert story == [
            ("created", "09.00"),
            ("verified", f"09.{VERIFY:02d}"),
            ("dispatched", f"09.{DISPATCH:02d}"),
            ("responder_arrived", f"09.{ARRIVE:02d}"),
            ("arrived", f"09.{ARRIVE:02d}"),
            ("responder_arrived", f"09.{SECOND_ARRIVES:02d}"),
            ("responder_finished", f"09.{FIRST_DONE:02d}"),
            ("responder_finished", f"09.{RESOLVE:02d}"),
            ("resolved", f"09.{RESOLVE:02d}"),
        ], timeline
        responders = [text for k, _, text in timeline if k.startswith("responder_")]
        assert ["Andi" in t for t in responders] == [True, False, True, False], responders
        assert ["Budi" in t for t in responders] == [False, True, False, True], responders
        dispatched = next(text for k, _, text in timeline if k == "dispatched")
        assert "Andi Cadangan" in dispatched and "Budi Cadangan" in dispatched
        assert "Cakra" not in dispatched
        browser.close()

    assert problems == []
