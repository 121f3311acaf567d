"""The after-action report of one incident (laporan pasca-kejadian, docs/incidents.md): what
the printed page holds, read in a fixed number of queries whatever the incident's size.

Queries: the incident with its places and verifier, its responders, its reports, its
timeline, its dispatches with the people and duties, their phones' steps, its notifications
with their deliveries (7).
"""

from django.utils.translation import gettext_lazy as _

from field.dispatch.selectors import incident_responders
from field.incidents import selectors
from field.incidents.models import Incident
from field.notifications.selectors import incident_deliveries

# The response clock's lines: the label, the step's time, its minutes from the first report.
CLOCK = (
    (_("Verifikasi"), "verified_at", "minutes_to_verify"),
    (_("Pengiriman personel/unit"), "dispatched_at", "minutes_to_dispatch"),
    (_("Tiba di lokasi"), "arrived_at", "minutes_to_arrive"),
    (_("Selesai"), "resolved_at", "minutes_to_resolve"),
)


def incident_printout(user, pk: int) -> dict:
    """Everything the printed page shows of an incident in the user's scope (Incident.DoesNotExist
    outside it)."""
    incident = (
        Incident.objects.visible_to(user)
        .for_board()
        .select_related("duplicate_of", "opened_by")
        .get(pk=pk)
    )
    clock = [
        (label, getattr(incident, field), getattr(incident, minutes))
        for label, field, minutes in CLOCK
    ]
    return {
        "incident": incident,
        "dispatches": incident_responders(incident),
        "told": incident_deliveries(incident),
        "clock": clock,
        **selectors.incident_timeline(incident),
    }
