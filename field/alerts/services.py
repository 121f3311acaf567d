"""Every write of area alert levels: setting a kecamatan's level (a raise starts its
contingency checklist) and ticking a step. Typed, keyword-only, atomic.

Both lock a row first: setting locks the kecamatan, so of two officers raising the same area
at once one raises it and the other is told it is raised already (one checklist, not two);
ticking locks the item, so a step is ticked once, by whoever was first.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.access import access_of
from core.formats import display_name
from field.alerts.models import (
    CHECKLIST_LEVELS,
    LEVEL_ORDER,
    REASON_MAX,
    AlertLevel,
    AreaAlert,
    ChecklistItem,
    ContingencyStep,
)
from tps.models import Kecamatan


def current_alert(kecamatan_id: int) -> AreaAlert | None:
    return AreaAlert.objects.filter(kecamatan_id=kecamatan_id).order_by("-set_at", "-pk").first()


@transaction.atomic
def area_alert_set(*, kecamatan: Kecamatan, level: str, reason: str, by) -> AreaAlert:
    """Set the kecamatan's level. A raise lists the active steps of every level above the one
    in force up to the new one (hijau → merah lists kuning's and merah's); a lowering lists
    nothing. The same level again, an unknown level or no reason is refused; so is anyone but
    the command (command staff, admins, superusers: PermissionDenied), whoever calls."""
    if not access_of(by).sees_everything:
        raise PermissionDenied(_("Akses ditolak untuk peran Anda."))
    if level not in LEVEL_ORDER:
        raise ValidationError(_("Tingkat siaga tidak dikenal: %(level)s") % {"level": level})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tulis alasan penetapan tingkat siaga."))
    if len(reason) > REASON_MAX:
        raise ValidationError(_("Alasan paling banyak %(max)s karakter.") % {"max": REASON_MAX})
    # The kecamatan's row is the lock of its level: the check below runs under it.
    Kecamatan.objects.select_for_update().only("pk").get(pk=kecamatan.pk)
    current = current_alert(kecamatan.pk)
    previous = current.level if current is not None else AlertLevel.HIJAU
    if previous == level:
        raise ValidationError(
            _("Kecamatan %(name)s sudah berstatus %(level)s.")
            % {"name": kecamatan.name, "level": AlertLevel(level).label}
        )
    now = clock.now()
    if current is not None and now < current.set_at:
        raise ValidationError(_("Jam operasi lebih awal dari penetapan sebelumnya."))
    alert = AreaAlert.objects.create(
        kecamatan=kecamatan,
        level=level,
        previous_level=previous,
        set_by=by,
        set_at=now,
        reason=reason,
    )
    low, high = LEVEL_ORDER.index(previous), LEVEL_ORDER.index(level)
    if high > low:
        levels = [lv for lv in LEVEL_ORDER[low + 1 : high + 1] if lv in CHECKLIST_LEVELS]
        steps = ContingencyStep.objects.filter(level__in=levels, active=True)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(alert=alert, step=s, level=s.level, order=s.order, text=s.text)
            for s in sorted(steps, key=lambda s: (LEVEL_ORDER.index(s.level), s.order, s.pk))
        )
    return alert


@transaction.atomic
def checklist_item_tick(*, item: ChecklistItem, by) -> ChecklistItem:
    """Tick one step of the checklist in force: once, with who and when."""
    item = ChecklistItem.objects.select_for_update().select_related("alert").get(pk=item.pk)
    current = current_alert(item.alert.kecamatan_id)
    if current is None or current.pk != item.alert_id:
        raise ValidationError(
            _("Daftar periksa ini sudah tidak berlaku: tingkat siaga telah diubah.")
        )
    if item.ticked_at is not None:
        raise ValidationError(
            _("Langkah ini sudah dicentang oleh %(name)s.") % {"name": display_name(item.ticked_by)}
        )
    item.ticked_by = by
    item.ticked_at = clock.now()
    item.save(update_fields=["ticked_by", "ticked_at"])
    return item
