"""The answers every report page and JSON give: private to the reader, never stored by a
cache (a report names people and is read in a scope)."""

from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control


def private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def private_json(data, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    return private(response)
