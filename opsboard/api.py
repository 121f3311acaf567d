"""Read API (API.md) — being written."""

from django.http import JsonResponse

from opsboard.http import api_view
from opsboard.roles import DASHBOARD_ROLES


@api_view(*DASHBOARD_ROLES)
def summary(request):
    return JsonResponse({})


tps_geojson = tps_status = personnel = summary
