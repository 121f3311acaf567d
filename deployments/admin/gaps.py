"""Fill gaps in the admin: the proposal page for the TPS selected on the TPS list (an action) or
for every short TPS of a dashboard filter (the page the dashboard's gap table links to), and
its confirmation under a chosen Sprin.

The page shows whom it proposes and from where (not yet on duty, the reserve, a patrol, a TPS
that stays covered without them), coverage now and with the proposal, and writes nothing until
confirmed (deployments/services/gaps.py, gaps_apply.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.access import access_of
from deployments import services
from deployments.admin.base import _errors_message
from deployments.imports.sheets import thousands
from deployments.models import CoverageSnapshot, CoverageStatus, Personnel, Phase, Sprin
from deployments.selectors import current_operation, default_phase
from tps.models import TPS, Desa, KabKota, Kecamatan, Kerawanan

TEMPLATE = "admin/deployments/fill_gaps.html"
# What the dashboard's gap table passes on: its filters, by code (docs/dashboard.md).
FILTERS = ("kabkota", "kecamatan", "desa", "kerawanan", "phase")


def people_for(user):
    """Whom fill gaps may propose: everyone, or for Polsek staff the people of their kecamatan."""
    return None if access_of(user).sees_everything else Personnel.objects.visible_to(user)


def stations_for(user):
    """Which TPS fill gaps may assign to and sums coverage over: those the user may see."""
    return None if access_of(user).sees_everything else TPS.objects.visible_to(user)


def chosen_phase(operation, value: str) -> Phase | None:
    """The phase asked for (by pk, as the form posts it, or by code, as the dashboard links),
    else the default one at the operation clock."""
    phases = list(operation.phases.all()) if operation else []
    for phase in phases:
        if value in (str(phase.pk), phase.code):
            return phase
    return default_phase(operation, clock.now())


def proposal_page(request, model_admin, *, stations, phase, operation, extra: dict, status=200):
    proposal = services.gaps_propose(
        tps=stations,
        phase=phase,
        people=people_for(request.user),
        scope=stations_for(request.user),
    )
    sprins = list(Sprin.objects.filter(operation=operation).order_by("-date", "-pk")[:50])
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": _("Isi kekosongan: usulan penjaga"),
            "proposal": proposal,
            "phases": operation.phases.all(),
            "sprins": sprins,
            "chosen_sprin": request.POST.get("sprin", ""),
            **extra,
        },
        status=status,
    )


def apply_posted(request, model_admin, phase: Phase) -> bool:
    """Apply the posted proposal; the outcome as an admin message. True when written."""
    sprin_id = request.POST.get("sprin", "")
    sprin = None
    if sprin_id:
        sprin = Sprin.objects.filter(
            pk=int(sprin_id) if sprin_id.isascii() and sprin_id.isdigit() else 0,
            operation_id=phase.operation_id,
        ).first()
        if sprin is None:
            model_admin.message_user(
                request, _("Sprin tidak dikenal untuk operasi ini."), messages.ERROR
            )
            return False
    try:
        made = services.gaps_apply(
            tokens=request.POST.getlist("proposal"),
            phase=phase,
            sprin=sprin,
            people=people_for(request.user),
            stations=stations_for(request.user),
            by=request.user,
        )
    except ValidationError as exc:
        _errors_message(
            request, model_admin, exc, _("Usulan tidak diterapkan; tidak ada yang disimpan:")
        )
        return False
    moved = sum(1 for token in request.POST.getlist("proposal") if token.count(":") == 4)
    model_admin.message_user(
        request,
        _(
            "%(n)s penugasan dibuat di bawah Sprin %(sprin)s (%(moved)s di antaranya "
            "dipindah dari tugas lain). Cakupan dihitung ulang dalam beberapa detik."
        )
        % {"n": thousands(len(made)), "sprin": sprin, "moved": thousands(moved)},
        messages.SUCCESS,
    )
    return True


def _filtered_short(request, snapshot: CoverageSnapshot | None):
    """The short and unguarded TPS of the snapshot the user may see, narrowed by the filters
    the dashboard passed (codes); a list of errors for codes it does not know."""
    errors: list[str] = []
    if snapshot is None:
        return TPS.objects.none(), errors
    stations = TPS.objects.visible_to(request.user).filter(
        coverage_rows__snapshot_id=snapshot.pk,
        coverage_rows__status__in=[CoverageStatus.SHORT, CoverageStatus.UNGUARDED],
    )
    areas = {
        "kabkota": (KabKota.objects.all(), "desa__kecamatan__kabkota"),
        "kecamatan": (Kecamatan.objects.visible_to(request.user), "desa__kecamatan"),
        "desa": (Desa.objects.visible_to(request.user), "desa"),
    }
    for name, (queryset, path) in areas.items():
        code = request.GET.get(name, "")
        if not code:
            continue
        area = queryset.filter(code=code[:40]).only("pk").first()
        if area is None:
            errors.append(_("Kode wilayah tidak dikenal: %s") % code[:40])
        else:
            stations = stations.filter(**{path: area})
    kerawanan = request.GET.get("kerawanan", "")
    if kerawanan:
        if kerawanan in Kerawanan.values:
            stations = stations.filter(kerawanan=kerawanan)
        else:
            errors.append(_("Kelas kerawanan tidak dikenal: %s") % kerawanan[:40])
    return stations, errors


def fill_gaps_view(request, model_admin):
    """GET: the proposal for every short TPS of the filter. POST: apply it."""
    if not model_admin.has_add_assignment_permission(request):
        raise PermissionDenied
    operation = current_operation(with_phases=True)
    phase = chosen_phase(operation, request.GET.get("phase", ""))
    if phase is None:
        model_admin.message_user(request, _("Belum ada operasi dan tahapannya."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:tps_tps_changelist"))
    if request.method == "POST" and apply_posted(request, model_admin, phase):
        return HttpResponseRedirect(reverse("admin:tps_tps_changelist") + "?cakupan=short")
    snapshot = CoverageSnapshot.objects.current_for(phase)
    stations, errors = _filtered_short(request, snapshot)
    extra = {
        "standalone": True,
        "filter_errors": errors,
        "filters": [(k, request.GET[k]) for k in FILTERS if request.GET.get(k)],
        "snapshot": snapshot,
    }
    if errors:
        stations = TPS.objects.none()
    return proposal_page(
        request,
        model_admin,
        stations=stations,
        phase=phase,
        operation=operation,
        extra=extra,
        status=400 if errors else 200,
    )
