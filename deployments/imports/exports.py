"""Exports in the import's columns, so that an exported roster re-imports unchanged: a list, the
blank template, and the Sprin annex of one Polsek."""

from django.utils.translation import gettext as _

from deployments.imports.assignments import AssignmentResource
from deployments.imports.kinds import RESOURCES
from deployments.imports.sheets import csv_bytes, xlsx_bytes
from deployments.models import Assignment, Phase
from tps.models import Kecamatan


def export_bytes(kind: str, queryset, *, file_format: str) -> bytes:
    resource = RESOURCES[kind]()
    data = resource.export(queryset)
    if file_format == "csv":
        return csv_bytes(resource.columns, list(data))
    return xlsx_bytes(resource.columns, list(data), title=_("Data"), notes=resource.notes_help)


def template_bytes(kind: str, *, file_format: str) -> bytes:
    resource_class = RESOURCES[kind]
    if file_format == "csv":
        return csv_bytes(resource_class.columns, [])
    return xlsx_bytes(resource_class.columns, [], title=_("Data"), notes=resource_class.notes_help)


def annex_queryset(kecamatan: Kecamatan, *, phase: Phase | None = None):
    """The roster of a Polsek's kecamatan: guards of its TPS, its posts and its own people."""
    ids = Assignment.objects.in_kecamatan(kecamatan.pk)
    if phase is not None:
        ids = ids.filter(phase=phase)
    return Assignment.objects.filter(pk__in=ids.values("pk"))


def annex_bytes(kecamatan: Kecamatan, *, phase: Phase | None = None) -> bytes:
    """The Sprin annex of one Polsek as XLSX, in the import's columns so that it re-imports."""
    resource = AssignmentResource()
    data = resource.export(annex_queryset(kecamatan, phase=phase))
    title = _("Lampiran %s") % kecamatan.name
    return xlsx_bytes(resource.columns, list(data), title=title, notes=resource.notes_help)
