"""`manage.py check` (and every start-up that runs the checks): a VAPID key that is set but
cannot be read stops the deployment here, instead of failing every push later."""

from django.conf import settings
from django.core import checks


@checks.register()
def vapid_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not settings.WEBPUSH_VAPID_PRIVATE_KEY.strip():
        return []  # Web Push off: logged once when a notification would use it
    from field.notifications.webpush import vapid

    try:
        vapid()
    except Exception as exc:
        return [
            checks.Error(
                f"WEBPUSH_VAPID_PRIVATE_KEY cannot be read as a P-256 private key ({exc}).",
                hint="Make a pair with `manage.py webpush_vapid_keys` (docs/deploy.md).",
                id="field.E001",
            )
        ]
    return []
