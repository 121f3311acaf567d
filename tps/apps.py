from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TpsConfig(AppConfig):
    name = "tps"
    verbose_name = _("Wilayah dan TPS")
