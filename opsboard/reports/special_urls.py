"""Routes of the special report under /laporan-khusus/ (docs/daily-report.md)."""

from django.urls import path

from opsboard.reports import special_views as views

app_name = "special"

urlpatterns = [
    path("", views.special_list, name="report_list"),
    path("buat/", views.special_generate, name="report_generate"),
    path("<int:pk>/", views.special_detail, name="report_detail"),
    path("<int:pk>/ubah/", views.special_edit, name="report_edit"),
    path("<int:pk>/tandatangan/", views.special_sign, name="report_sign"),
    path("<int:pk>/revisi/", views.special_revise, name="report_revise"),
    path("<int:pk>/cetak/", views.special_print, name="report_print"),
    path("<int:pk>/xlsx/", views.special_export, name="report_export"),
]
