"""The dashboard while the database is unreachable: its refreshes fail with the server's 503,
the last figures stay on screen, and a notice says they could not be updated until a refresh
succeeds again.

The 503 is the one opsboard.views.server_error gives an htmx request, served to the browser in
place of the poll (the network edge); the outage itself is made for real, under gunicorn, in
tests/hardening/test_postgresql_down.py.
"""

import re

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from playwright.sync_api import expect

from opsboard.views import server_error

pytestmark = pytest.mark.browser


def _outage_answer() -> dict:
    request = RequestFactory().get("/", headers={"HX-Request": "true", "X-Opsboard-Poll": "1"})
    try:
        raise OperationalError("connection failed: Connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    return {"status": 503, "headers": dict(response.items()), "body": response.content}


def test_a_failed_refresh_keeps_the_figures_and_says_so_until_one_succeeds(open_context, live_demo):
    page, watch = open_context("kabagops")
    page.goto(live_demo.url + "/")
    page.wait_for_selector("#map[data-markers='839']", timeout=20_000)
    figures = page.locator("#figures").inner_text()
    outage = _outage_answer()
    dashboard_url = re.compile(re.escape(live_demo.url) + r"/(\?.*)?$")

    def refuse_polls(route):
        if route.request.headers.get("x-opsboard-poll") == "1":
            route.fulfill(**outage)
        else:
            route.fallback()

    page.route(dashboard_url, refuse_polls)
    page.evaluate("document.getElementById('dashboard').dataset.pollSeconds = '1'")

    toast = page.locator(".toast")
    expect(toast).to_be_visible(timeout=10_000)
    expect(toast).to_contain_text("Gagal memperbarui data")
    expect(toast).to_contain_text("Basis data sedang tidak terjangkau")
    page.wait_for_timeout(2_500)  # more failed polls: the notice stays, the figures too
    expect(toast).to_be_visible()
    assert page.locator("#figures").inner_text() == figures

    page.unroute(dashboard_url, refuse_polls)
    expect(toast).to_be_hidden(timeout=10_000)
    assert page.locator("#figures").inner_text() == figures  # same data, refreshed
    assert watch.foreign == []
    unexpected = [e for e in watch.errors if "503" not in e]
    assert unexpected == [], f"console errors: {unexpected}"
