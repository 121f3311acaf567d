from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from field import urls as field_urls
from field import views as field_views
from opsboard import (
    errors,
    metrics,
    print_views,
    search_views,
    strength_views,
    views,
    what_if_views,
)

urlpatterns_app = [
    path("", views.dashboard, name="dashboard"),
    path("wall/", views.wallscreen, name="wallscreen"),
    path("export/gaps/", views.export_table, {"table": "gaps"}, name="gaps_export"),
    path("export/areas/", views.export_table, {"table": "areas"}, name="areas_export"),
    path("cetak/", print_views.print_summary, name="print_summary"),
    path("tps/<int:pk>/", views.tps_detail, name="tps_detail"),
    path("tps/<int:pk>/popup/", views.tps_popup, name="tps_popup"),
    path("me/", field_views.me, name="me"),
    path("cari/", search_views.search, name="search"),
    path("kekuatan/", strength_views.strength, name="strength"),
    path("kekuatan/simulasi/", what_if_views.what_if, name="what_if"),
]

urlpatterns = [
    path("", include((urlpatterns_app, "opsboard"))),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("api/", include("opsboard.api_urls")),
    path("api/", include((field_urls.api_urlpatterns, "field_api"))),
    path("", include(field_urls)),
    path("rapat/", include("coordination.urls")),
    path("laporan-harian/", include("opsboard.reports.urls")),
    path("laporan-khusus/", include("opsboard.reports.special_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

# Indonesian pages with the navigation shell (opsboard/errors.py); the 500 is a 503 with a
# clear page while the database is unreachable.
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = views.server_error
