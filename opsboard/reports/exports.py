"""The daily and the special report as XLSX (the table helpers of opsboard/exports.py: typed
cells, text never a formula, who exported it and when above the table and in the audit log) and
as JSON for the level above (docs/api-additions.md, "Daily report", "Special report")."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formats import from_iso, iso, wib_stamp
from opsboard.exports import Percent, Table, response
from opsboard.reports.models import DailyReport, SpecialReport
from opsboard.reports.selectors import report_sections, scope_label

LOGISTICS_LABELS = (
    ("batches", gettext_lazy("Kloter dengan perjalanan hari ini")),
    ("legs_departed", gettext_lazy("Perjalanan berangkat")),
    ("legs_arrived", gettext_lazy("Perjalanan tiba")),
    ("legs_handed_over", gettext_lazy("Serah terima")),
    ("flags_late", gettext_lazy("Tanda terlambat")),
    ("flags_mismatch", gettext_lazy("Tanda jumlah tidak cocok")),
)


def _status(report: DailyReport) -> str:
    if report.is_signed:
        return _("ditandatangani %(who)s") % {"who": report.signed_by_name}
    return _("draf, belum ditandatangani")


def report_table(report: DailyReport) -> Table:
    sections = report_sections(report)
    rows: list[list[Any]] = []
    incidents = _("Gangguan kamtibmas")
    for row in sections["incident_rows"]:
        rows.append([incidents, row["label"], row["day"], row["previous"], row["change"]])
    demo = sections["demonstrations"]
    rows.append(
        [
            _("Unjuk rasa"),
            _("Jumlah unjuk rasa"),
            demo.get("count", 0),
            demo.get("previous_day", 0),
            demo.get("count", 0) - demo.get("previous_day", 0),
        ]
    )
    accidents = report.traffic_accidents
    rows.append(
        [
            _("Lalu lintas"),
            _("Kecelakaan lalu lintas (diisi manual)"),
            accidents if accidents is not None else _("tidak dilaporkan"),
            None,
            None,
        ]
    )
    people = _("Personel dikerahkan")
    for force, n in sections["by_force"]:
        rows.append([people, force, n, None, None])
    rows.append([people, _("Jumlah"), sections["deployed_total"], None, None])
    for label, n in sections["by_kind"]:
        rows.append([_("Personel per jenis pos"), label, n, None, None])
    activities = sections["activities"]
    rows.append(
        [_("Kegiatan"), _("Rapat koordinasi"), len(activities.get("meetings", [])), None, None]
    )
    rows.append(
        [_("Kegiatan"), _("Personel patroli"), activities.get("patrol_personnel", 0), None, None]
    )
    for area in sections["turnout"].get("areas", []):
        percent = area["reported"]["percent"]
        rows.append(
            [
                _("Kehadiran pemilih (laporan petugas)"),
                area["name"],
                area["reported"]["voters_used"],
                area["reported"]["dpt"],
                Percent(percent / 100) if percent is not None else None,
            ]
        )
    logistics = sections["logistics"]
    if logistics is None:
        rows.append([_("Logistik"), _("Status logistik"), _("belum ada data"), None, None])
    else:
        for key, label in LOGISTICS_LABELS:
            rows.append([_("Logistik"), label, logistics[key], None, None])
    notes: list[list[Any]] = [
        [_("Tanggal"), report.day.strftime("%d/%m/%Y")],
        [_("Lingkup"), scope_label(report)],
        [_("Revisi"), report.revision],
        [_("Status"), _status(report)],
        [_("Ringkasan situasi"), report.summary],
        [
            _("Kolom"),
            _(
                "Hari ini · hari sebelumnya · perubahan; untuk kehadiran pemilih: "
                "pengguna hak pilih · DPT · persentase"
            ),
        ],
    ]
    return Table(
        title=_("Laporan harian %(day)s") % {"day": report.day.strftime("%d-%m-%Y")},
        filename=f"laporan-harian-{report.day.isoformat()}-rev{report.revision}",
        headers=[_("Bagian"), _("Uraian"), _("Hari ini"), _("Hari sebelumnya"), _("Perubahan")],
        rows=rows,
        notes=notes,
        row_count=len(rows),
        scope={"report": report.pk, "day": report.day.isoformat(), "revision": report.revision},
    )


def report_xlsx(request: HttpRequest, report: DailyReport) -> HttpResponse:
    return response(request, report_table(report), "xlsx")


def report_json(report: DailyReport) -> dict[str, Any]:
    """The shape of /api/laporan-harian/<id>.json (docs/api-additions.md)."""
    corrected_by = getattr(report, "corrected_by", None)
    return {
        "id": report.pk,
        "day": report.day.isoformat(),
        "scope": {"code": report.scope_code, "name": scope_label(report)},
        "revision": report.revision,
        "revises": report.revises_id,
        "corrected_by": corrected_by.pk if corrected_by is not None else None,
        "reason": report.reason,
        "status": report.api_status,
        "generated_at": iso(report.generated_at),
        "signed_at": iso(report.signed_at),
        "signed_by": report.signed_by_name or None,
        "summary": report.summary,
        "activities_note": report.activities_note,
        "traffic_accidents": {
            "count": report.traffic_accidents,
            "note": report.traffic_note,
            "source": "manual",
        },
        "figures": report.figures,
    }


# The special report (laporan khusus)

SPECIAL_TEXTS = ("summary", "casualties", "actions_note", "analysis", "recommendation")


def _when(value: str | None) -> str:
    moment = from_iso(value)
    return wib_stamp(moment) if moment is not None else _("belum")


def special_table(report: SpecialReport) -> Table:
    facts = report.facts
    place = facts.get("place", {})
    kecamatan = place.get("kecamatan") or {}
    reports = facts.get("reports", {})
    told = facts.get("told", {})
    facts_label, course, texts = _("Fakta"), _("Jalannya penanganan"), _("Isian Kabag Ops")
    rows: list[list[Any]] = [
        [facts_label, _("Nomor kejadian"), facts.get("number", "")],
        [facts_label, _("Golongan"), facts.get("class", {}).get("label", "")],
        [facts_label, _("Tingkat"), facts.get("severity", {}).get("label", "")],
        [facts_label, _("Status"), facts.get("state", {}).get("label", "")],
        [facts_label, _("Tempat"), place.get("label", "")],
        [facts_label, _("Kecamatan"), kecamatan.get("name", "")],
        [facts_label, _("Dilaporkan"), _when(facts.get("reported_at"))],
        [facts_label, _("Laporan lapangan"), reports.get("count", 0)],
        [facts_label, _("Laporan mendesak"), reports.get("urgent", 0)],
    ]
    for step in facts.get("clock", []):
        rows.append([_("Jam respons"), step["step"], _when(step["at"])])
    for event in facts.get("events", []):
        rows.append([course, f"{_when(event['at'])} {event['kind']}", event["text"]])
    for n, responder in enumerate(facts.get("responders", []), start=1):
        steps = "; ".join(f"{s['step']} {_when(s['at'])}" for s in responder["steps"])
        who = f"{n}. {responder['rank']} ({responder['force']})"
        rows.append([_("Personel dikirim"), who, steps or responder["progress"]])
    rows.append([_("Pemberitahuan"), _("Penerima"), told.get("recipients", 0)])
    rows.append([_("Pemberitahuan"), _("Ditanggapi"), told.get("acknowledged", 0)])
    for name in SPECIAL_TEXTS:
        label = str(SpecialReport._meta.get_field(name).verbose_name).capitalize()
        rows.append([texts, label, getattr(report, name)])
    notes: list[list[Any]] = [
        [_("Perihal"), report.subject],
        [_("Revisi"), report.revision],
        [_("Status"), _status(report)],
        [_("Fakta dibaca"), wib_stamp(report.generated_at)],
    ]
    number = facts.get("number", str(report.incident_id))
    return Table(
        title=_("Laporan khusus %(number)s") % {"number": number},
        filename=f"laporan-khusus-{number}-rev{report.revision}",
        headers=[_("Bagian"), _("Uraian"), _("Isi")],
        rows=rows,
        notes=notes,
        row_count=len(rows),
        scope={"special_report": report.pk, "incident": report.incident_id},
    )


def special_xlsx(request: HttpRequest, report: SpecialReport) -> HttpResponse:
    return response(request, special_table(report), "xlsx")


def special_json(report: SpecialReport) -> dict[str, Any]:
    """The shape of /api/laporan-khusus/<id>.json (docs/api-additions.md)."""
    corrected_by = getattr(report, "corrected_by", None)
    return {
        "id": report.pk,
        "incident": report.incident_id,
        "subject": report.subject,
        "revision": report.revision,
        "revises": report.revises_id,
        "corrected_by": corrected_by.pk if corrected_by is not None else None,
        "reason": report.reason,
        "status": report.api_status,
        "generated_at": iso(report.generated_at),
        "signed_at": iso(report.signed_at),
        "signed_by": report.signed_by_name or None,
        **{name: getattr(report, name) for name in SPECIAL_TEXTS},
        "facts": report.facts,
    }
