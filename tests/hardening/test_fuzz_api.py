"""Every parameter of the read API, fuzzed: a 2xx, or a 4xx with a message; never a 500, no write.

The test client raises a view's exception instead of answering 500, so a falsifying example shows
the traceback of the input that broke the API.
"""

import pytest
from hypothesis import given

from tests.factories import AssignmentFactory, LinmasFactory, OperationFactory, SatlinmasFactory
from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz import query, row_counts

PARAMETERS = {
    # summary.json and tps-status.json take none: whatever is sent must be ignored.
    "/api/summary.json": ["phase", "kecamatan", "page"],
    "/api/tps.geojson": [
        "kabkota",
        "kecamatan",
        "desa",
        "kerawanan",
        "status",
        "phase",
        "bbox",
        "fields",
    ],
    "/api/tps-status.json": ["phase", "status", "since"],
    "/api/personnel.json": ["force", "unit", "desa", "page", "page_size"],
}


@pytest.fixture
def operation_data(tps_a, tps_b):
    """Both kecamatan with a guarded TPS and a snapshot, so that every filter has something."""
    operation = OperationFactory()
    for tps in (tps_a, tps_b):
        linmas = LinmasFactory(unit=SatlinmasFactory(desa=tps.desa))
        AssignmentFactory(personnel=linmas, tps=[tps])
    return operation


@pytest.mark.parametrize("persona", ["command_staff", "polsek_staff"])
@pytest.mark.parametrize("path", PARAMETERS)
@pytest.mark.django_db
def test_api_answers_any_query_with_a_2xx_or_a_4xx_message_and_writes_nothing(
    path, persona, request, login, operation_data
):
    client = login(request.getfixturevalue(persona))
    before = row_counts()
    answered: set[int] = set()

    @FUZZ
    @given(params=query(PARAMETERS[path]))
    def answers(params):
        response = client.get(path, params)

        answered.add(response.status_code)
        assert response.status_code in (200, 400), (response.status_code, params)
        body = response.json()
        if response.status_code == 400:
            messages = [m for field_messages in body["errors"].values() for m in field_messages]
            assert messages and all(isinstance(m, str) and m.strip() for m in messages)

    answers()

    assert row_counts() == before
    assert 200 in answered
