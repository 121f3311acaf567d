"""The dashboard's coordination panel."""

from datetime import date
from typing import Any

from coordination.models import ActionItem
from coordination.selectors.action_items import open_items_by_agency, overdue_first
from coordination.selectors.readiness import readiness_grid


def dashboard_panel(user, today: date) -> dict[str, Any]:
    """The dashboard's coordination panel. Queries: follow-ups per agency; the ten most urgent
    follow-ups with agency and meeting; asta siap items; asta siap cells with their units."""
    urgent = overdue_first(
        ActionItem.objects.visible_to(user).not_done().select_related("agency", "meeting"), today
    )[:10]
    by_agency = open_items_by_agency(user, today)
    return {
        "today": today,
        "by_agency": by_agency,
        "open_total": sum(a.open for a in by_agency),
        "overdue_total": sum(a.overdue for a in by_agency),
        "urgent": list(urgent),
        "readiness": readiness_grid(user),
    }
