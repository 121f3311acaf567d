"""The special report (laporan khusus, docs/daily-report.md): one per notable incident, drafted
from the incident's record, completed and signed off by the Kabag Ops, corrected by revisions.

Notable: an incident of severity ``SPECIAL_REPORT_MIN_SEVERITY`` (default Tinggi) or higher
that was neither rejected nor a duplicate. The beat drafts the reports of the day's notable
incidents with the daily report; the command can draft one at once from the list.

The facts are read once, with the after-action report's own selectors
(``field.incidents.printout.incident_printout``), and stored: what the Kabag Ops signs keeps
saying what it said. They hold no reporter's name or words, and no staff account's name: the UU
PDP purge removes those from the field record after the pasca phase (field_data_purge), and a
signed report, which the database refuses to update, could not give them up.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.formats import author_name, iso
from field.incidents.models import Incident, IncidentClass, IncidentState, Severity
from field.incidents.printout import incident_printout
from opsboard.reports.figures import day_window, scope_reader
from opsboard.reports.models import SPECIAL_LOCKED, SpecialReport
from opsboard.reports.signing import correctable, draft_sign, draft_update

EDITABLE = ("subject", "summary", "casualties", "actions_note", "analysis", "recommendation")
NOT_NOTABLE = (IncidentState.DITOLAK, IncidentState.DUPLIKAT)
SUBJECT_MAX = 200
LIST_LIMIT = 120


def notable_incidents(incidents=None):
    """Of ``incidents`` (every one by default: the report is the Polres's), those a special
    report is due for."""
    incidents = Incident.objects.all() if incidents is None else incidents
    return incidents.filter(severity__gte=settings.SPECIAL_REPORT_MIN_SEVERITY).exclude(
        state__in=NOT_NOTABLE
    )


def _label(choice) -> dict[str, Any]:
    return {"code": choice.value, "label": str(choice.label)}


def _subject(incident: Incident) -> str:
    """An incident a person opened has that person's title. One opened from an urgent report
    has the report's words as its title, which the purge removes: the subject is its class and
    place instead."""
    if incident.opened_by_id is not None:
        return incident.title[:SUBJECT_MAX]
    return (f"{incident.get_incident_class_display()} di {incident.place_label}")[:SUBJECT_MAX]


def incident_facts(incident_pk: int) -> dict[str, Any]:
    """What the report states of the incident, JSON-ready, in Indonesian whatever the reader's
    language (a document's words do not change with who reads it). Seven queries, the
    after-action report's."""
    with translation.override("id"):
        page = incident_printout(scope_reader(), incident_pk)
        incident: Incident = page["incident"]
        place = {
            "label": incident.place_label,
            "tps": str(incident.tps) if incident.tps_id else None,
            "desa": incident.desa.name if incident.desa_id else None,
            "kecamatan": (
                {"code": incident.kecamatan.code, "name": incident.kecamatan.name}
                if incident.kecamatan_id
                else None
            ),
            "latitude": str(incident.latitude) if incident.latitude is not None else None,
            "longitude": str(incident.longitude) if incident.longitude is not None else None,
        }
        reports = page["reports"]
        return {
            "number": incident.number,
            "class": _label(IncidentClass(incident.incident_class)),
            "severity": {"value": incident.severity, "label": incident.get_severity_display()},
            "state": {"code": incident.state, "label": incident.get_state_display()},
            "place": place,
            "reported_at": iso(incident.reported_at),
            "clock": [
                {"step": str(label), "at": iso(at), "minutes": minutes}
                for label, at, minutes in page["clock"]
            ],
            "resolution": incident.resolution,
            "reports": {
                "count": len(reports),
                "urgent": sum(1 for r in reports if r.urgent),
                "via_posko": sum(1 for r in reports if r.via_posko),
                "first_at": iso(reports[0].at) if reports else None,
            },
            "events": [
                {"at": iso(e.at), "kind": e.get_kind_display(), "text": _event_text(e)}
                for e in page["events"]
            ],
            "responders": [
                {
                    "force": d.personnel.get_force_display(),
                    "rank": d.personnel.rank_label,
                    "sent_at": iso(d.at),
                    "progress": d.get_progress_display(),
                    "steps": [
                        {"step": s.get_step_display(), "at": iso(s.at)} for s in d.steps.all()
                    ],
                }
                for d in page["dispatches"]
            ],
            "dispatch_note": incident.dispatch_note,
            "told": {
                "recipients": len(page["told"]),
                "acknowledged": sum(1 for t in page["told"] if t.acknowledged_at is not None),
            },
        }


def _event_text(event) -> str:
    # A timeline line that copies a report's words is the reporter's, removed by the purge.
    return "" if event.report_id is not None else event.text


def special_report_generate(*, incident: Incident) -> tuple[SpecialReport, bool]:
    """The incident's report, drafted from its record if it has none yet; (report, created).
    Refused for an incident that is not notable. Idempotent: a second call, or the beat racing
    the button, returns the one report and changes nothing."""
    existing = SpecialReport.objects.filter(incident=incident, revision=0).first()
    if existing is not None:
        return existing, False
    if not notable_incidents().filter(pk=incident.pk).exists():
        raise ValidationError(
            _(
                "Laporan khusus hanya untuk kejadian tingkat %(level)s ke atas yang tidak "
                "ditolak atau duplikat."
            )
            % {"level": _minimum_label()}
        )
    report = SpecialReport(
        incident=incident,
        facts=incident_facts(incident.pk),
        subject=_subject(incident),
        generated_at=clock.now(),
    )
    report.full_clean(validate_constraints=False)
    try:
        # A savepoint: the unique constraint decides between the beat and the button.
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return SpecialReport.objects.get(incident=incident, revision=0), False
    return report, True


def _minimum_label() -> str:
    return str(Severity(settings.SPECIAL_REPORT_MIN_SEVERITY).label)


def special_reports_generate_due(*, day: date) -> int:
    """The beat's: a draft for every notable incident first reported on ``day`` (WIB) that has
    none yet. Returns how many were drafted."""
    starts_at, ends_at = day_window(day)
    due = (
        notable_incidents()
        .filter(reported_at__gte=starts_at, reported_at__lt=ends_at)
        .exclude(special_reports__isnull=False)
        .select_related("tps__desa", "desa")
        .defer("tps__desa__boundary", "desa__boundary")
        .order_by("reported_at", "pk")
    )
    return sum(special_report_generate(incident=incident)[1] for incident in due)


def special_report_update(*, report: SpecialReport, data, by) -> SpecialReport:
    return draft_update(
        report=report, data=data, by=by, editable=EDITABLE, locked_message=SPECIAL_LOCKED
    )


def special_report_sign(*, report: SpecialReport, by) -> SpecialReport:
    return draft_sign(
        report=report,
        by=by,
        locked_message=SPECIAL_LOCKED,
        summary_missing=_("Tuliskan pokok kejadian sebelum laporan ditandatangani."),
    )


@transaction.atomic
def special_report_revise(*, report: SpecialReport, reason: str, by) -> SpecialReport:
    """A correction of a signed report: the next revision, the texts copied and the facts read
    again (the incident went on: it was resolved, someone else was sent)."""
    row = correctable(report, reason)
    correction = SpecialReport(
        incident_id=row.incident_id,
        revision=row.revision + 1,
        revises=row,
        reason=reason.strip(),
        facts=incident_facts(row.incident_id),
        generated_at=clock.now(),
        edited_by_name=author_name(by),
        **{name: getattr(row, name) for name in EDITABLE},
    )
    correction.full_clean(validate_constraints=False)
    correction.save()
    return correction


# Reads


def special_reports_for_list(user, *, current: bool = False) -> list[SpecialReport]:
    """The reports the user may read, the newest draft first; one query."""
    reports = SpecialReport.objects.visible_to(user)
    if current:
        reports = reports.current()
    return list(
        reports.select_related("corrected_by")
        .defer("facts", "corrected_by__facts")
        .order_by("-generated_at", "-revision", "-pk")[:LIST_LIMIT]
    )


def notable_without_report(user, *, limit: int = 30) -> list[Incident]:
    """Notable incidents in scope that have no report yet, newest first: the list's "Buat"
    buttons. One query."""
    has_report = SpecialReport.objects.filter(incident=OuterRef("pk"))
    return list(
        notable_incidents(Incident.objects.visible_to(user))
        .filter(~Exists(has_report))
        .select_related("tps__desa", "desa")
        .defer("tps__desa__boundary", "desa__boundary")
        .order_by("-reported_at", "-pk")[:limit]
    )


def special_report_for_page(user, pk: int) -> SpecialReport:
    """One report in the user's scope with what it corrects and what corrects it
    (SpecialReport.DoesNotExist outside the scope). One query."""
    return (
        SpecialReport.objects.visible_to(user)
        .select_related("revises", "corrected_by")
        .defer("revises__facts", "corrected_by__facts")
        .get(pk=pk)
    )
