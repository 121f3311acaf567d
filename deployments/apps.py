from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeploymentsConfig(AppConfig):
    name = "deployments"
    verbose_name = _("Pengerahan personel")

    def ready(self) -> None:
        # The task modules register their tasks on import, the beat and worker need them
        # whether or not autodiscovery ran; the receivers feed the coverage engine.
        from core.readable import name_generated_models
        from deployments import tasks  # noqa: F401
        from deployments.coverage import triggers

        triggers.connect()
        # SQLite's rest trigger asks each connection for SHIFT_MIN_REST_HOURS (models/rest.py).
        from django.db.backends.signals import connection_created

        from deployments.models.rest import register_sqlite_rest_function

        connection_created.connect(register_sqlite_rest_function, dispatch_uid="sqlite_rest")
        # Assignment.tps' through rows ("Assignment_tps object (21)" in the admin's delete
        # confirmation) and the history records, named readably (core/readable.py).
        name_generated_models(self)
