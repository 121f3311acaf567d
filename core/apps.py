from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The foundations every app stands on (access, clock, env, http, formats); no models."""

    name = "core"
    verbose_name = _("Dasar")
