from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsboardConfig(AppConfig):
    name = "opsboard"
    verbose_name = _("Opsboard")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from core.permissions import sync_role_groups
        from opsboard.sessions import set_session_expiry

        user_logged_in.connect(set_session_expiry, dispatch_uid="opsboard_session_expiry")
        # The project app comes after every domain app, so their permissions exist by now.
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="opsboard_role_groups")
