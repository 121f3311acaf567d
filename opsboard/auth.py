"""The authentication backend: Django's ModelBackend, reading a signed-in user together with
what their role needs.

Every request reads the user (AuthenticationMiddleware) and then their role (core.access).
ModelBackend's get_user reads the user alone, and the role then costs a query for the groups and
one for the Personnel or StaffProfile record. On election day 2,285 phones open /me/, so the
user, their role group and those records come in one query here (issue #7: /me/ in at most six
queries). Whether they may use the Posko comes in the same query too: the navigation shell
of every page asks (opsboard/navigation.py).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.access import with_role
from opsboard.navigation import with_posko_grant

# The dotted path that login() and force_login() store in the session.
BACKEND = "opsboard.auth.OpsboardBackend"


class OpsboardBackend(ModelBackend):
    def get_user(self, user_id):
        users = with_posko_grant(with_role(get_user_model()._default_manager.all()))
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
