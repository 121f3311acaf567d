"""An out-of-range year in an admin changelist's URL: Django's "?e=1" redirect, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

AUDIT = "/admin/audit/auditevent/"


@pytest.mark.parametrize(
    "query",
    ["at__year=99999", "at__year=0", "at__year=-1", "at__year=9999", "at__year=10000&at__month=1"],
)
def test_the_audit_log_answers_an_unreadable_year_with_the_changelist_error_redirect(
    client, superuser, query
):
    client.force_login(superuser, backend="opsboard.auth.OpsboardBackend")

    response = client.get(f"{AUDIT}?{query}")

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
