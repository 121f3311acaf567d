from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Log audit")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from audit import log

        # Every sign-in, failed sign-in and sign-out, whichever page it comes from.
        user_logged_in.connect(log.on_user_logged_in, dispatch_uid="opsboard_audit_sign_in")
        user_login_failed.connect(
            log.on_user_login_failed, dispatch_uid="opsboard_audit_sign_in_failed"
        )
        user_logged_out.connect(log.on_user_logged_out, dispatch_uid="opsboard_audit_sign_out")
