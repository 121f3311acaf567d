"""Who may read the API: dashboard roles read it; anonymous gets 401 and the rest 403, as JSON."""

import pytest

from tests.factories import UserFactory

ENDPOINTS = ["/api/summary.json", "/api/tps.geojson", "/api/tps-status.json", "/api/personnel.json"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_gets_401_with_a_json_body(login, url):
    client = login(None)

    response = client.get(url)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Silakan masuk terlebih dahulu."}


@pytest.mark.parametrize("url", ENDPOINTS)
def test_field_officer_gets_403_with_a_json_body(login, field_officer, url):
    client = login(field_officer)

    response = client.get(url)

    assert response.status_code == 403
    assert response.json() == {"detail": "Akses ditolak untuk peran Anda."}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_user_without_a_role_gets_403(login, url):
    client = login(UserFactory())

    response = client.get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("persona", ["superuser", "ops_admin", "command_staff", "polsek_staff"])
def test_dashboard_roles_read_every_endpoint(login, request, election_day, persona, url):
    client = login(request.getfixturevalue(persona))

    response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", ENDPOINTS)
def test_answers_are_private_to_the_signed_in_user(login, command_staff, election_day, url):
    client = login(command_staff)

    response = client.get(url)

    assert "private" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_refuses_writes(login, command_staff, url):
    client = login(command_staff)

    response = client.post(url)

    assert response.status_code == 405
