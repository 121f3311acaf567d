"""What every coordination model shares: who may read it."""

from django.db import models

from core.access import access_of


class CoordinationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CoordinationQuerySet":
        # Minutes and follow-ups are for the command: Polsek staff read them too; field officers
        # never do.
        return self if access_of(user).reads_dashboard else self.none()
