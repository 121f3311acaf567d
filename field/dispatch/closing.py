"""When an incident ends (selesai, ditolak, duplikat), the people sent to it are free again:
their dispatch duties end at that moment. Called by field.incidents.services at each closing
transition, inside its transaction (a module of its own, so that the incident services reach
it without importing field.dispatch.services, which imports them)."""

from datetime import datetime

from django.utils.translation import gettext as _

from deployments.services.dispatch import dispatch_duties_end
from field.dispatch.models import IncidentDispatch


def incident_dispatches_end(incident, *, at: datetime, by) -> int:
    duty_ids = list(
        IncidentDispatch.objects.filter(incident=incident).values_list("duty", flat=True)
    )
    if not duty_ids:
        return 0
    return dispatch_duties_end(
        duty_ids=duty_ids, at=at, by=by, reason=_("%s berakhir") % incident.number
    )
