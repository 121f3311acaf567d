"""The answers of the officer's own writes (/me/): JSON for the offline queue of field.js, a
redirect with a message or the problem page for a browser without JavaScript."""

from django.contrib import messages
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse


def wants_json(request: HttpRequest) -> bool:
    """The offline queue of field.js asks for JSON; a browser without JavaScript does not."""
    return "application/json" in request.headers.get("Accept", "")


def done(request: HttpRequest, message: str, *, created: bool, record_id: int, anchor: str = ""):
    if wants_json(request):
        return JsonResponse(
            {"id": record_id, "created": created, "message": message},
            status=201 if created else 200,
        )
    messages.success(request, message)
    return redirect(reverse("opsboard:me") + anchor)


def refused(request: HttpRequest, errors: dict[str, list[str]], *, status: int = 422):
    """A bad submission: 422 (or 413) with the messages, never a half-written record."""
    if wants_json(request):
        return JsonResponse({"errors": errors}, status=status)
    lines = [message for field_errors in errors.values() for message in field_errors]
    return render(request, "field/problem.html", {"lines": lines}, status=status)


def form_errors(form) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}
