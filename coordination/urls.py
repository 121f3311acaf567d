from django.urls import path

from coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/cetak/", views.meeting_print, name="meeting_print"),
    path("lampiran/<path:name>", views.attachment_file, name="attachment_file"),
    path("tindak-lanjut/", views.action_item_list, name="action_item_list"),
    path("asta-siap/", views.readiness, name="readiness"),
    path("perubahan/", views.changes, name="changes"),
    path("panel/", views.dashboard_panel, name="dashboard_panel"),
]
