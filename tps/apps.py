from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TpsConfig(AppConfig):
    name = "tps"
    verbose_name = _("Wilayah dan TPS")

    def ready(self) -> None:
        from core.readable import name_generated_models

        # TPS.indicators' through rows and the TPS history, named readably (core/readable.py).
        name_generated_models(self)
