"""The project app's models: the daily and special reports (opsboard/reports/models.py).

The module exists also because Django sends ``post_migrate`` only for apps with a models
module, and the role groups' permissions (core/permissions.py) are synced from that signal once
every app's permissions exist. The project's old migrations stay here: they created the tables
that the ``field`` and ``audit`` apps now own (moved by state only, see field/migrations/0001).
"""

from opsboard.reports.models import DailyReport, SpecialReport

__all__ = ["DailyReport", "SpecialReport"]
