"""The read API (API.md; its views in opsboard/api.py) and the dashboard map's layers."""

from django.urls import path

from opsboard import api, map_views, objects_views
from opsboard.reports import special_views as special
from opsboard.reports import views as reports

app_name = "api"

urlpatterns = [
    path("summary.json", api.summary, name="summary"),
    path("tps.geojson", api.tps_geojson, name="tps_geojson"),
    path("tps-status.json", api.tps_status, name="tps_status"),
    path("personnel.json", api.personnel, name="personnel"),
    # The guarded objects' shifts at the clock (docs/api-additions.md).
    path("obyek.json", objects_views.guarded_objects_json, name="guarded_objects"),
    # The dashboard map's other layers (docs/api-additions.md); views in opsboard/map_views.py.
    path("boundaries.geojson", map_views.boundaries_geojson, name="boundaries_geojson"),
    path("posts.geojson", map_views.posts_geojson, name="posts_geojson"),
    path("tps-aggregate.json", map_views.tps_aggregate, name="tps_aggregate"),
    # The daily report for the level above, and a day's figures (docs/api-additions.md).
    path("laporan-harian.json", reports.api_reports, name="daily_reports"),
    path("laporan-harian/<int:pk>.json", reports.api_report, name="daily_report"),
    path("angka-harian.json", reports.api_daily_figures, name="daily_figures"),
    # The special reports (laporan khusus), scoped like the incidents.
    path("laporan-khusus.json", special.api_special_reports, name="special_reports"),
    path("laporan-khusus/<int:pk>.json", special.api_special_report, name="special_report"),
]
