"""The benchmarks sign in as a browser does (bench/common.form_sign_in): if they could not, every
figure after it would measure the login page's redirect, so it is checked against the real
login form of a running server."""

from urllib.parse import urlparse

import pytest

from tests.factories import UserFactory
from tests.platform.test_bench_hygiene import common


@pytest.mark.django_db(transaction=True)
def test_form_sign_in_returns_the_session_of_the_login_form(live_server):
    UserFactory(username="bench-kabagops", password="bench-Pass-2024")
    port = urlparse(live_server.url).port

    cookie = common.form_sign_in(
        port, "/accounts/login/", {"username": "bench-kabagops", "password": "bench-Pass-2024"}
    )

    assert cookie.startswith("sessionid=") and "; csrftoken=" in cookie


@pytest.mark.django_db(transaction=True)
def test_form_sign_in_stops_the_benchmark_on_a_refused_login(live_server):
    port = urlparse(live_server.url).port

    with pytest.raises(SystemExit, match="sign-in at /accounts/login/ failed: 200"):
        common.form_sign_in(port, "/accounts/login/", {"username": "nobody", "password": "x"})
