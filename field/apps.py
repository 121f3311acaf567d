from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "field"
    verbose_name = _("Laporan lapangan")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # The VAPID key check; and the tasks, registered in every process (web included), so
        # that field.notifications.delivery can enqueue by name and eager mode still runs them.
        from field import tasks  # noqa: F401
        from field.notifications import checks  # noqa: F401
        from field.services import on_user_logged_in

        # The session a field officer signs in with is recorded so that it can be ended at once
        # (a lost phone, a revoked or reprinted card): field.services.field_sessions_end.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="field_session_record")
