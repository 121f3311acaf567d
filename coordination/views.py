"""Pages of coordination for the command: meetings, their notulen, follow-ups, asta siap and
what changed since the last rakor. Read-only: admins edit in the Django admin."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from audit import log as audit
from coordination import selectors
from coordination.forms import ActionItemFilterForm, ChangesForm, MeetingFilterForm
from coordination.markdown import render_markdown
from coordination.models import Attachment, Meeting
from coordination.storage import EXTENSIONS
from core import clock
from core.access import Role, access_of
from core.formats import LETTERHEAD, SIGNING_PLACE
from core.http import HtmxHttpRequest, dashboard_required

MEETINGS_PER_PAGE = 25
ITEMS_PER_PAGE = 50
INVALID = 422  # a filter that cannot be read: the page re-renders with its message


def _today():
    return timezone.localdate(clock.now())


def _partial(request: HtmxHttpRequest, template: str, name: str) -> str:
    # The page's own form and links target the fragment; a full load gets the page.
    return f"{template}#{name}" if request.htmx and not request.htmx.boosted else template


@require_GET
@dashboard_required
@vary_on_headers("HX-Request")
def meeting_list(request: HtmxHttpRequest) -> HttpResponse:
    form = MeetingFilterForm(request.GET, user=request.user)
    status, page = 200, None
    if form.is_valid():
        data = form.cleaned_data
        meetings = selectors.meetings_for_list(
            request.user,
            q=data["q"].strip(),
            agency=data["agency"],
            kind=data["kind"],
            date_from=data["dari"],
            date_to=data["sampai"],
        )
        page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    else:
        status = INVALID
    template = _partial(request, "coordination/meeting_list.html", "meeting-results")
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    return render(request, template, context, status=status)


def _query_without_page(request: HtmxHttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _revision_number(request: HtmxHttpRequest) -> int | None:
    raw = request.GET.get("revisi", "")
    if not raw:
        return None
    # isdigit() alone lets "²" through, which int() refuses, as it refuses 5,000 digits.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 5:
        raise Http404("Nomor revisi tidak dikenal.")
    return int(raw)


def _meeting_context(request: HtmxHttpRequest, pk: int) -> dict:
    meeting = get_object_or_404(selectors.meetings_for_page(request.user), pk=pk)
    minutes = selectors.minutes_shown(meeting, _revision_number(request))
    if minutes is None:
        raise Http404("Revisi notulen tidak ada.")
    return {
        "meeting": meeting,
        "minutes": minutes,
        "minutes_html": render_markdown(minutes.text),
        "attendance": selectors.attendance_by_presence(meeting),
        "today": _today(),
    }


@require_GET
@dashboard_required
def meeting_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    context = _meeting_context(request, pk)
    context["previous"] = selectors.previous_meeting(request.user, context["meeting"])
    context["can_edit"] = access_of(request.user).role in (Role.ADMIN, Role.SUPERUSER)
    return render(request, "coordination/meeting_detail.html", context)


@require_GET
@dashboard_required
def meeting_print(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The notulen to print: a line in the audit log, and a foot saying who printed it, when."""
    context = _meeting_context(request, pk)
    minutes = context["minutes"]
    stamp = audit.export_stamp(request)
    detail = {
        "meeting": context["meeting"].pk,
        "number": context["meeting"].number,
        "revision": minutes.revision.number if minutes.revision else None,
    }
    audit.record_export(request, stamp, detail=detail)
    context.update(letterhead=LETTERHEAD, signing_place=SIGNING_PLACE, stamp=stamp)
    # A notulen is an Indonesian document whatever language the reader's screen is set to.
    with translation.override("id"):
        return render(request, "coordination/meeting_print.html", context)


@require_GET
@dashboard_required
def attachment_file(request: HtmxHttpRequest, name: str) -> FileResponse:
    """An attachment's bytes, only to those who may read the meeting; never from a public URL."""
    if "\x00" in name:  # no stored name holds one, and PostgreSQL refuses it in a query
        raise Http404("Lampiran tidak ditemukan.")
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), file=name)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Berkas lampiran tidak ditemukan di penyimpanan.") from exc
    filename = (slugify(attachment.title) or "lampiran") + EXTENSIONS[attachment.content_type]
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        # Images show in the page; a PDF is downloaded rather than run in the browser's viewer.
        as_attachment=not attachment.is_image,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@dashboard_required
@vary_on_headers("HX-Request")
def action_item_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ActionItemFilterForm(request.GET, user=request.user)
    status, page, today = 200, None, _today()
    if form.is_valid():
        data = form.cleaned_data
        items = selectors.action_items_for_list(
            request.user,
            today=today,
            status=data["status"],
            agency=data["agency"],
            overdue=data["terlambat"],
        )
        page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    else:
        status = INVALID
    template = _partial(request, "coordination/action_item_list.html", "action-items")
    context = {"form": form, "page": page, "today": today, "query": _query_without_page(request)}
    return render(request, template, context, status=status)


@require_GET
@dashboard_required
def readiness(request: HtmxHttpRequest) -> HttpResponse:
    grid = selectors.readiness_grid(request.user)
    return render(request, "coordination/readiness.html", {"grid": grid})


@require_GET
@dashboard_required
def changes(request: HtmxHttpRequest) -> HttpResponse:
    form = ChangesForm(request.GET, user=request.user)
    context: dict = {"form": form}
    if not form.is_valid():
        return render(request, "coordination/changes.html", context, status=INVALID)
    now = clock.now()
    start_meeting = form.cleaned_data["dari"] or (
        Meeting.objects.visible_to(request.user)
        .filter(held_at__lte=now)
        .order_by("-held_at", "-pk")
        .first()
    )
    end_meeting = form.cleaned_data["sampai"]
    end = end_meeting.held_at if end_meeting else now
    context.update(start_meeting=start_meeting, end_meeting=end_meeting)
    if start_meeting is not None and start_meeting.held_at < end:
        context["changes"] = selectors.changes_between(
            request.user, start=start_meeting.held_at, end=end
        )
    return render(request, "coordination/changes.html", context)


@require_GET
@dashboard_required
@vary_on_headers("HX-Request")
def dashboard_panel(request: HtmxHttpRequest) -> HttpResponse:
    """The dashboard's panel: htmx loads the fragment; opened directly, it is a page."""
    panel = selectors.dashboard_panel(request.user, _today())
    template = "coordination/_dashboard_panel.html" if request.htmx else "coordination/panel.html"
    return render(request, template, {"panel": panel})
