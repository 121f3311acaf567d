"""The daily report's logistics section: a seam.

Logistics custody (kloter, legs, handovers) is being built beside this report (issue #19). Until
it is wired here, ``logistics_status`` answers None and the report says "belum ada data" — never
a made-up figure. The lead wires it to the custody selectors at merge: return a JSON-ready dict
(it is stored in the report's figures under ``logistics``), and render its keys in
opsboard/templates/opsboard/reports/_logistics.html.
"""

from datetime import date
from typing import Any


def logistics_status(reader, *, day: date) -> dict[str, Any] | None:
    """The logistics status of the day in the reader's scope; None while nothing feeds it."""
    return None
