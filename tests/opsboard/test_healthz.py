import os

import pytest


@pytest.mark.django_db
def test_healthz_reports_database_ok_and_broker_absent_without_redis(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "absent"}


@pytest.mark.django_db
def test_healthz_reports_broker_down_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == "down"


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_reports_database_and_broker_ok_when_both_answer(client, settings):
    settings.REDIS_URL = os.environ["OPSBOARD_TEST_REDIS_URL"]

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
