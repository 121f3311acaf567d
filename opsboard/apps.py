from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsboardConfig(AppConfig):
    name = "opsboard"
    verbose_name = _("Opsboard")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_migrate

        from opsboard import audit
        from opsboard.permissions import sync_role_groups
        from opsboard.sessions import set_session_expiry

        user_logged_in.connect(set_session_expiry, dispatch_uid="opsboard_session_expiry")
        # The audit log (opsboard/audit.py): every sign-in, failed sign-in and sign-out.
        user_logged_in.connect(audit.on_user_logged_in, dispatch_uid="opsboard_audit_sign_in")
        user_login_failed.connect(
            audit.on_user_login_failed, dispatch_uid="opsboard_audit_sign_in_failed"
        )
        user_logged_out.connect(audit.on_user_logged_out, dispatch_uid="opsboard_audit_sign_out")
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="opsboard_role_groups")
