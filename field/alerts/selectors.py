"""Reads of area alert levels: the level in force per kecamatan in scope (the map's colours,
the wall screen), and the dashboard panel (levels, the checklists in force, the history)."""

from django.db.models import OuterRef, Prefetch, Subquery

from field.alerts.models import AlertLevel, AreaAlert, ChecklistItem
from tps.models import Kecamatan

HISTORY_SHOWN = 20


def _latest(field: str = "pk") -> Subquery:
    return Subquery(
        AreaAlert.objects.filter(kecamatan=OuterRef("pk"))
        .order_by("-set_at", "-pk")
        .values(field)[:1]
    )


def area_levels(user) -> list[dict]:
    """Every kecamatan in scope with its level in force (hijau without any setting), by name.
    One query."""
    rows = (
        Kecamatan.objects.visible_to(user)
        .annotate(alert_level=_latest("level"), alert_set_at=_latest("set_at"))
        .values("pk", "code", "name", "alert_level", "alert_set_at")
        .order_by("name", "code")
    )
    labels = dict(AlertLevel.choices)
    out = []
    for row in rows:
        level = row["alert_level"] or AlertLevel.HIJAU
        out.append(
            {
                "id": row["pk"],
                "code": row["code"],
                "name": row["name"],
                "level": level,
                "label": str(labels[level]),
                "set_at": row["alert_set_at"],
            }
        )
    return out


def alert_panel(user) -> dict:
    """The dashboard panel: every kecamatan in scope with its level, the alert in force and its
    checklist, and the latest settings. Queries: the kecamatan with their latest alert's id;
    those alerts with who set them and their checklists (2; none while no area has an alert,
    Django asks nothing for an empty list); the history."""
    kecamatan = list(
        Kecamatan.objects.visible_to(user)
        .defer("boundary")
        .annotate(alert_id=_latest())
        .order_by("name", "code")
    )
    ids = [k.alert_id for k in kecamatan if k.alert_id is not None]
    alerts = {
        a.pk: a
        for a in AreaAlert.objects.filter(pk__in=ids)
        .select_related("set_by")
        .prefetch_related(
            Prefetch(
                "checklist",
                queryset=ChecklistItem.objects.select_related("ticked_by").order_by("order", "pk"),
            )
        )
    }
    for k in kecamatan:
        k.alert = alerts.get(k.alert_id)
        k.level = k.alert.level if k.alert else AlertLevel.HIJAU
        k.level_label = AlertLevel(k.level).label
    history = list(
        AreaAlert.objects.visible_to(user)
        .select_related("kecamatan", "set_by")
        .defer("kecamatan__boundary")
        .order_by("-set_at", "-pk")[:HISTORY_SHOWN]
    )
    return {"kecamatan": kecamatan, "history": history, "levels": AlertLevel.choices}
