"""Who may use the field app's command pages, as plain rules: the views refuse by them and the
project's navigation shell (opsboard/navigation.py) lists links by them, so a link is shown
exactly where its page would answer."""

from core.access import Role, access_of

ADMIN_ROLES = frozenset({Role.SUPERUSER, Role.ADMIN})
POSKO_PERMISSION = "field.record_via_posko"


def is_posko_operator(user) -> bool:
    """Admins, and command or Polsek staff given "operator Posko" (field.record_via_posko)."""
    role = access_of(user).role
    if role in ADMIN_ROLES:
        return True
    return role in (Role.COMMAND, Role.POLSEK) and user.has_perm(POSKO_PERMISSION)
