"""The read API (API.md). Its views live in opsboard/api.py."""

from django.urls import path

from opsboard import api

app_name = "api"

urlpatterns = [
    path("summary.json", api.summary, name="summary"),
    path("tps.geojson", api.tps_geojson, name="tps_geojson"),
    path("tps-status.json", api.tps_status, name="tps_status"),
    path("personnel.json", api.personnel, name="personnel"),
]
