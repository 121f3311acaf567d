"""The incident transition form, fuzzed as tests/hardening/test_fuzz_forms_field.py does: a
2xx/3xx, or a 4xx with a message; never a 500, and a refused submission writes nothing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from field.incidents.forms import ACTIONS
from field.incidents.models import Incident, IncidentClass, Severity
from tests.field.helpers import guard_at
from tests.field.incident_helpers import report
from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz_forms import bad_number, check_answer, form_data, row_counts, written

INCIDENT_TABLES = {
    "field_incident",
    "field_incidentevent",
    "field_incidentreport",
    "field_incident_responders",
}


@pytest.mark.django_db
def test_incident_actions_answer_any_submission_and_a_refusal_writes_nothing(
    guard, tps_a, tps_b, login, polsek_staff
):
    # Polsek staff of TPS A's kecamatan: TPS B's incident is a foreign id.
    mine = Incident.objects.get(links__report=report(guard, tps=tps_a))
    theirs = Incident.objects.get(links__report=report(guard_at(tps_b), tps=tps_b))
    spare = [report(guard, tps=tps_a, urgent=False).pk for _ in range(2)]
    client = login(polsek_staff)
    seen: set[int] = set()

    @FUZZ
    @given(
        pk=st.sampled_from([str(mine.pk), str(mine.pk), str(theirs.pk), "0", "9" * 30]),
        data=form_data(
            {
                # Mostly actions a note alone carries, so that some submissions go through.
                "action": st.one_of(st.just("note"), st.sampled_from(sorted(ACTIONS))),
                "note": st.one_of(
                    st.just("Pelapor ditelepon"), st.text(max_size=50), st.just("x" * 2001)
                ),
                "incident_class": st.sampled_from(["", *IncidentClass.values]),
                "severity": st.sampled_from(["", *map(str, Severity.values)]),
                "duplicate_of": st.sampled_from([str(theirs.pk), str(mine.pk), ""]),
                "reports": st.sampled_from([str(pk) for pk in spare]),
                "from": st.sampled_from(["board", ""]),
            },
            bad={"severity": bad_number, "duplicate_of": bad_number, "reports": bad_number},
        ),
        htmx=st.booleans(),
    )
    def answers(pk, data, htmx):
        before = row_counts()

        response = client.post(
            f"/lapangan/kejadian/{pk}/ubah/", data, headers={"HX-Request": "true"} if htmx else {}
        )

        seen.add(response.status_code)
        check_answer(response, data, allowed=(200, 204, 302, 404, 422))
        change = written(before, row_counts())
        if response.status_code >= 400:
            assert change == {}, (response.status_code, change)
        else:
            assert set(change) <= INCIDENT_TABLES, change

    answers()

    assert {404, 422} <= seen and seen & {200, 204, 302}
    # Never reached: only what opening wrote.
    assert set(theirs.events.values_list("kind", flat=True)) == {"created", "notified"}
