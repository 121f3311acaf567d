"""Routes of field reporting (docs/field.md, docs/access.md). /me/ itself keeps its name
``opsboard:me`` (API.md's fixed URL); its view lives in field/views.py."""

from django.urls import path

from field import command, posko, views
from field.alerts import views as alerts
from field.dispatch import views as dispatch
from field.handover import views as handover
from field.incidents import views as incidents
from field.logistics import views as logistics
from field.notifications import views as notifications
from field.panic import views as panic
from field.rollcall import views as rollcall
from field.turnout import views as turnout

app_name = "field"

urlpatterns = [
    # The officer's phone
    path("masuk/<str:token>/", views.signin, name="signin"),
    path("me/sw.js", views.service_worker, name="service_worker"),
    path("me/checkin/", views.checkin, name="checkin"),
    path("me/tps/<int:pk>/status/", views.tps_status, name="tps_status"),
    path("me/lapor/", views.report, name="report"),
    path("me/tps/<int:pk>/kehadiran/", turnout.turnout_send, name="turnout_send"),
    path("me/darurat/", panic.panic, name="panic"),
    path("me/instruksi/<int:pk>/terima/", views.instruction_ack, name="instruction_ack"),
    path("me/kejadian/<int:pk>/langkah/", dispatch.dispatch_progress, name="dispatch_progress"),
    path("me/regu/<int:pk>/serah-terima/", handover.handover, name="handover"),
    path("laporan/<int:pk>/foto/", views.report_photo, name="report_photo"),
    # Roll call (docs/rollcall.md)
    path("me/apel/", rollcall.roll_call, name="roll_call"),
    path("me/apel/<int:pk>/", rollcall.roll_call_record, name="roll_call_record"),
    path("lapangan/apel/", rollcall.roll_call_panel, name="roll_call_panel"),
    path("posko/apel/", rollcall.posko_roll_call, name="posko_roll_call"),
    path("posko/apel/<int:pk>/", rollcall.posko_roll_call_record, name="posko_roll_call_record"),
    # The command
    path("lapangan/insiden/", command.incidents, name="incidents"),
    path("lapangan/insiden/<int:pk>/ditangani/", command.incident_handle, name="incident_handle"),
    path("lapangan/insiden/<int:pk>/kejadian/", incidents.incident_open, name="incident_open"),
    # Incident command (docs/incidents.md)
    path("lapangan/kejadian/", incidents.incident_board, name="incident_board"),
    path("lapangan/kejadian/ekspor/", incidents.incident_export, name="incident_export"),
    path("lapangan/kejadian/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("lapangan/kejadian/<int:pk>/cetak/", incidents.incident_print, name="incident_print"),
    path("lapangan/kejadian/<int:pk>/ubah/", incidents.incident_act, name="incident_act"),
    # Dispatch: who could go, the coverage preview, the dispatch itself (docs/incidents.md)
    path(
        "lapangan/kejadian/<int:pk>/personel/",
        dispatch.incident_responders,
        name="incident_responders",
    ),
    path(
        "lapangan/kejadian/<int:pk>/personel/pratinjau/",
        dispatch.incident_dispatch_preview,
        name="incident_dispatch_preview",
    ),
    path("lapangan/kejadian/<int:pk>/kirim/", dispatch.incident_dispatch, name="incident_dispatch"),
    path("lapangan/darurat/", incidents.panic_alarm, name="panic_alarm"),
    path("lapangan/checkin/", command.checkins, name="checkins"),
    path("lapangan/kehadiran/", command.turnout, name="turnout"),
    # Logistics custody (docs/logistics.md)
    path("lapangan/logistik/", logistics.logistics, name="logistics"),
    path("lapangan/logistik/<int:pk>/", logistics.batch_detail, name="logistics_batch"),
    path("lapangan/logistik/<int:pk>/catat/", logistics.batch_record, name="logistics_record"),
    path("lapangan/logistik/<int:pk>/cetak/", logistics.batch_print, name="logistics_print"),
    path("lapangan/kehadiran/impor/", turnout.kpu_import, name="turnout_import"),
    path("lapangan/instruksi/", command.instructions, name="instructions"),
    path(
        "lapangan/instruksi/<int:pk>/tarik/",
        command.instruction_withdraw,
        name="instruction_withdraw",
    ),
    path("lapangan/kartu/", command.cards, name="cards"),
    path("lapangan/kartu/cetak/", command.cards_print, name="cards_print"),
    path("lapangan/kartu/cabut/", command.links_revoke, name="links_revoke"),
    path("lapangan/kartu/keluarkan/", command.sessions_end, name="sessions_end"),
    path("lapangan/pemberitahuan/", notifications.notifications, name="notifications"),
    path(
        "lapangan/pemberitahuan/langganan/",
        notifications.push_subscribe,
        name="push_subscribe",
    ),
    path(
        "lapangan/pemberitahuan/langganan/hapus/",
        notifications.push_unsubscribe,
        name="push_unsubscribe",
    ),
    path(
        "lapangan/kejadian/<int:pk>/tanggapi/",
        notifications.incident_acknowledge,
        name="incident_acknowledge",
    ),
    # Area alert levels (docs/incidents.md)
    path("lapangan/siaga/", alerts.alert_panel, name="alert_panel"),
    path("lapangan/siaga/<int:pk>/tetapkan/", alerts.alert_set, name="alert_set"),
    path("lapangan/siaga/langkah/<int:pk>/centang/", alerts.alert_tick, name="alert_tick"),
    path("lapangan/layar/", alerts.wall_board, name="wall_board"),
    path("posko/", posko.posko, name="posko"),
    path("posko/checkin/", posko.posko_checkin, name="posko_checkin"),
    path("posko/status/", posko.posko_status, name="posko_status"),
    path("posko/laporan/", posko.posko_report, name="posko_report"),
    path("posko/kehadiran/", turnout.posko_turnout, name="posko_turnout"),
]

# Under /api/ beside the read API (docs/api-additions.md).
api_urlpatterns = [
    path("tps-field-status.json", command.tps_field_status, name="tps_field_status"),
    path("tps-turnout.json", turnout.tps_turnout, name="tps_turnout"),
    path("area-alerts.json", alerts.area_alerts_json, name="area_alerts"),
    path("incidents.geojson", alerts.incidents_geojson, name="incidents_geojson"),
]
