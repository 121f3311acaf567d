"""The guarded objects' coverage as a table for the exports (opsboard/exports.py): every
object's every shift in the dashboard's phase, under-covered first. Its own file
(/export/obyek/) in each format, and a second sheet of the area table's XLSX."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from deployments.models import CoverageObject, Force
from deployments.models.coverage_objects import OBJECT_FORCES
from opsboard.dashboard import Dashboard
from opsboard.exports import Table, _local, _notes, _scope


def object_table(dash: Dashboard) -> Table:
    headers = [
        _("Obyek"),
        _("Jenis"),
        _("Kecamatan"),
        _("Yang dikawal"),
        _("Regu mulai (WIB)"),
        _("Regu selesai (WIB)"),
        _("Status"),
    ]
    for force in OBJECT_FORCES:
        label = Force(force.upper()).label
        headers += [
            _("%(force)s dibutuhkan") % {"force": label},
            _("%(force)s ditugaskan") % {"force": label},
            _("%(force)s kurang") % {"force": label},
        ]
    rows = (
        CoverageObject.objects.visible_to(dash.user)
        .filter(snapshot=dash.snapshot)
        .select_related("post__desa__kecamatan")
        .under_covered_first()
        if dash.snapshot is not None
        else CoverageObject.objects.none()
    )

    def lines() -> Iterator[list[Any]]:
        for row in rows.iterator(2000):
            post = row.post
            line = [
                post.name,
                post.get_kind_display(),
                post.desa.kecamatan.name if post.desa_id else "",
                post.protectee,
                _local(row.starts_at),
                _local(row.ends_at),
                row.get_status_display(),
            ]
            for force in OBJECT_FORCES:
                required = getattr(row, f"{force}_required")
                assigned = getattr(row, f"{force}_assigned")
                line += [required, assigned, max(required - assigned, 0)]
            yield line

    return Table(
        title=_("Obyek pengamanan"),
        filename="opsboard-obyek",
        headers=headers,
        rows=lines(),
        notes=_notes(dash),
        row_count=rows.count(),
        scope=_scope(dash),
    )
