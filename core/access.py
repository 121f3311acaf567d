"""Who may do what: the one module that defines Opsboard's roles.

Roles, strongest first: superuser; admin (edits in the Django admin; group "Admin"); command staff
(reads everything; group "Command staff"); Polsek staff (reads only the kecamatan of their Polsek;
group "Polsek staff" plus a StaffProfile naming the Polsek unit); field officer (a user linked to
a Personnel record); anonymous. A user with none of these has no access beyond signing out.

This module is a foundation like settings: the apps' ``visible_to(user)`` querysets read it, so
it imports no app module; it reaches StaffProfile and Personnel through the user's reverse
relations only.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Value, When


class Role(StrEnum):
    SUPERUSER = "superuser"
    ADMIN = "admin"
    COMMAND = "command_staff"
    POLSEK = "polsek_staff"
    FIELD = "field_officer"
    ANONYMOUS = "anonymous"
    NONE = "none"


GROUP_ADMIN = "Admin"
GROUP_COMMAND = "Command staff"
GROUP_POLSEK = "Polsek staff"

# Roles that read the command dashboard and the read API.
DASHBOARD_ROLES = frozenset({Role.SUPERUSER, Role.ADMIN, Role.COMMAND, Role.POLSEK})
# Roles that see the whole operation, not one kecamatan.
UNSCOPED_ROLES = frozenset({Role.SUPERUSER, Role.ADMIN, Role.COMMAND})


@dataclass(frozen=True)
class Access:
    role: Role
    kecamatan_id: int | None = None  # Polsek staff: the one kecamatan they may read
    personnel_id: int | None = None  # field officer: their Personnel record

    @property
    def sees_everything(self) -> bool:
        return self.role in UNSCOPED_ROLES

    @property
    def reads_dashboard(self) -> bool:
        return self.role in DASHBOARD_ROLES


class ScopeReader:
    """Stands in for a user of one role and scope where there is no account (the dashboard's
    cache warm-up, the daily report's beat): ``visible_to(user)`` and ``access_of`` read nothing
    of a user but its Access, which is preset here."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None

    def __init__(self, access: Access) -> None:
        self._opsboard_access = access


def access_of(user: object) -> Access:
    """The user's role and scope, computed once per user object (one request)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Access(Role.ANONYMOUS)
    cached = getattr(user, "_opsboard_access", None)
    if cached is not None:
        return cached
    access = _compute_access(user)
    user._opsboard_access = access
    return access


ROLE_GROUPS = (GROUP_ADMIN, GROUP_COMMAND, GROUP_POLSEK)  # strongest first


def with_role(users: QuerySet) -> QuerySet:
    """Users with what access_of needs, so that it sends no query of its own: the strongest
    role group they are in (``role_group``), their Personnel record and their StaffProfile with
    its unit (LEFT JOINs)."""
    membership = users.model.groups.through.objects.filter(user_id=OuterRef("pk"))
    return users.select_related("personnel", "staff_profile__unit").annotate(
        role_group=Case(
            *(
                When(Exists(membership.filter(group__name=name)), then=Value(name))
                for name in ROLE_GROUPS
            ),
            default=Value(""),
            output_field=CharField(),
        )
    )


def _role_groups(user) -> set[str]:
    if hasattr(user, "role_group"):  # read through with_role()
        return {user.role_group}
    return set(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))


def _compute_access(user) -> Access:
    if not user.is_active:
        return Access(Role.NONE)
    if user.is_superuser:
        return Access(Role.SUPERUSER)
    groups = _role_groups(user)
    if GROUP_ADMIN in groups:
        return Access(Role.ADMIN)
    if GROUP_COMMAND in groups:
        return Access(Role.COMMAND)
    if GROUP_POLSEK in groups:
        profile = getattr(user, "staff_profile", None)
        unit = profile.unit if profile is not None else None
        if unit is not None and unit.kecamatan_id is not None:
            return Access(Role.POLSEK, kecamatan_id=unit.kecamatan_id)
        # A Polsek account without its Polsek reads nothing rather than everything.
        return Access(Role.NONE)
    personnel_id = _personnel_id(user)
    if personnel_id is not None:
        return Access(Role.FIELD, personnel_id=personnel_id)
    return Access(Role.NONE)


def _personnel_id(user) -> int | None:
    # The reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError, when absent.
    personnel = getattr(user, "personnel", None)
    return personnel.pk if personnel is not None and personnel.active else None
