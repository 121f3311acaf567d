"""Routes of the daily report under /laporan-harian/ (docs/daily-report.md)."""

from django.urls import path

from opsboard.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("buat/", views.report_generate, name="report_generate"),
    path("anev/", views.report_anev, name="report_anev"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/ubah/", views.report_edit, name="report_edit"),
    path("<int:pk>/tandatangan/", views.report_sign, name="report_sign"),
    path("<int:pk>/revisi/", views.report_revise, name="report_revise"),
    path("<int:pk>/cetak/", views.report_print, name="report_print"),
    path("<int:pk>/xlsx/", views.report_export, name="report_export"),
]
