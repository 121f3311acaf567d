"""The roster pages (docs/shifts.md). Thin: parse, call a selector or a service, pick a
template. Reading: command staff everything, Polsek staff their kecamatan's objects and people
(Post / Personnel visible_to), field officers 403. Writing (cut and rotate, swap): admins."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.access import DASHBOARD_ROLES, Role, access_of
from core.formats import WIB
from core.http import HtmxHttpRequest, roles_required
from deployments.models import GUARDED_KINDS, Assignment, Personnel, Post
from deployments.selectors import current_operation
from deployments.services.rotation import rotation_propose
from deployments.services.rotation_apply import rotation_apply
from deployments.services.shifts import shifts_cut
from deployments.services.swap import shift_duties_swap
from opsboard.roster.forms import RotationForm
from opsboard.roster.selectors import person_week, post_week, week_bounds

readers = roles_required(*DASHBOARD_ROLES)
WRITERS = (Role.SUPERUSER, Role.ADMIN)
writers = roles_required(*WRITERS)
WEEK = "opsboard/shift_week.html"
PERSON = "opsboard/shift_person.html"
PREVIEW = "opsboard/shift_rotation.html"


def _first_day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("mulai", ""))
    except ValueError:
        return clock.now().astimezone(WIB).date()


def _posts(user):
    return Post.objects.visible_to(user).filter(kind__in=GUARDED_KINDS)


@require_GET
@readers
def shift_posts(request: HtmxHttpRequest) -> HttpResponse:
    posts = _posts(request.user).select_related("desa").order_by("kind", "name")
    return render(request, "opsboard/shift_posts.html", {"posts": posts})


def _week_context(request, post, form=None):
    operation = current_operation()
    first_day = _first_day(request)
    return {
        "post": post,
        "week": post_week(post, operation, first_day),
        "first_day": first_day,
        "previous_week": first_day - timedelta(days=7),
        "next_week": first_day + timedelta(days=7),
        "form": form
        or RotationForm(
            user=request.user,
            operation=operation,
            initial={"starts_on": first_day, "ends_on": first_day},
        ),
        "can_write": access_of(request.user).role in WRITERS,
    }


@require_GET
@readers
def shift_week(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(_posts(request.user), pk=pk)
    context = _week_context(request, post)
    response = render(request, WEEK + "#roster" if request.htmx else WEEK, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@readers
def shift_person(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Personnel.objects.visible_to(request.user), pk=pk)
    first_day = _first_day(request)
    _start, end = week_bounds(first_day)
    context = {
        "person": person,
        "rows": person_week(person, first_day),
        "first_day": first_day,
        "week_end": end,
    }
    return render(request, PERSON, context)


@require_POST
@writers
def shift_rotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Preview (cut the period's shifts, which is idempotent, and propose), then confirm."""
    post = get_object_or_404(_posts(request.user), pk=pk)
    operation = current_operation()
    form = RotationForm(request.POST, user=request.user, operation=operation)
    if operation is None or not form.is_valid():
        context = _week_context(request, post, form)
        return render(request, WEEK, context, status=422)
    data = form.cleaned_data
    week_url = reverse("opsboard:shift_week", kwargs={"pk": post.pk})
    if request.POST.get("action") == "confirm":
        try:
            made = rotation_apply(
                tokens=request.POST.getlist("token"),
                operation=operation,
                posts=_posts(request.user),
                people=form.pool(),
                sprin=data["sprin"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(f"{week_url}?mulai={data['starts_on']:%Y-%m-%d}")
        messages.success(request, _("%s tugas regu jaga dibuat.") % len(made))
        return redirect(f"{week_url}?mulai={data['starts_on']:%Y-%m-%d}")
    try:
        shifts = shifts_cut(
            post=post,
            template=data["template"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            by=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, WEEK, _week_context(request, post, form), status=422)
    rotation = rotation_propose(
        posts=[post],
        operation=operation,
        starts_at=shifts[0].starts_at if shifts else clock.now(),
        ends_at=shifts[-1].ends_at if shifts else clock.now(),
        pool=form.pool(),
    )
    context = {"post": post, "form": form, "rotation": rotation, "shift_count": len(shifts)}
    return render(request, PREVIEW, context)


@require_POST
@writers
def shift_swap(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Two duties picked on the object's week view (one may be of another object) swap."""
    post = get_object_or_404(_posts(request.user), pk=pk)
    week_url = reverse("opsboard:shift_week", kwargs={"pk": post.pk})
    back = f"{week_url}?mulai={request.POST.get('mulai', '')}"
    picked = request.POST.getlist("duty")
    duties = list(
        Assignment.objects.filter(
            pk__in=[p for p in picked if p.isdigit()], post__in=_posts(request.user)
        ).select_related("personnel")
    )
    if len(picked) != 2 or len(duties) != 2:
        messages.error(request, _("Pilih tepat dua tugas regu jaga untuk ditukar."))
        return redirect(back)
    try:
        shift_duties_swap(duty_a=duties[0], duty_b=duties[1], by=request.user)
    except ValidationError as exc:
        messages.error(request, _("Tukar ditolak: %s") % " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("%(a)s dan %(b)s bertukar regu jaga.")
        % {"a": duties[0].personnel.name, "b": duties[1].personnel.name},
    )
    return redirect(back)
