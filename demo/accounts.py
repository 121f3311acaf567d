"""Demo logins, made only when OPSBOARD_DEMO_PASSWORD is set.

The password is hashed once and every demo account gets that hash: hashing it 2,289 times
would take minutes. Accounts are bulk-created with an address under DEMO_EMAIL_DOMAIN, which is
how --reset recognises them; a username that already belongs to somebody else's account is
left alone and reported.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.access import GROUP_ADMIN, GROUP_COMMAND, GROUP_POLSEK
from demo.common import DEMO_EMAIL_DOMAIN
from deployments.models import Personnel, StaffProfile, Unit

NAMED_ACCOUNTS = (
    # username, first name, superuser, staff, group
    ("admin", "Admin demo", True, True, None),
    ("operator", "Operator demo", False, True, GROUP_ADMIN),
    ("kabagops", "Kabag Ops (demo)", False, True, GROUP_COMMAND),
    ("polsek.mojoroto", "Staf Polsek Mojoroto (demo)", False, False, GROUP_POLSEK),
)
POLSEK_ACCOUNT_UNIT = "polsek-357101"  # polsek.mojoroto reads Kecamatan Mojoroto only


@dataclass
class AccountFigures:
    created: int = 0
    skipped: list[str] = field(default_factory=list)  # usernames somebody else already holds


def _taken_usernames() -> set[str]:
    # Compared without case, as deployments.services.personnel_account_create does.
    return {name.lower() for name in get_user_model().objects.values_list("username", flat=True)}


def personnel_accounts_attach(people: list[Personnel], password_hash: str) -> AccountFigures:
    """One login per person, username = identifier; set on the unsaved Personnel rows."""
    User = get_user_model()
    taken = _taken_usernames()
    figures = AccountFigures()
    pairs = []
    for person in people:
        if person.identifier.lower() in taken:
            figures.skipped.append(person.identifier)
            continue
        pairs.append(
            (
                person,
                User(
                    username=person.identifier,
                    first_name=person.name[:150],
                    email=f"{person.identifier.lower()}@{DEMO_EMAIL_DOMAIN}",
                    password=password_hash,
                ),
            )
        )
    User.objects.bulk_create([user for _person, user in pairs], batch_size=500)
    for person, user in pairs:
        person.user = user
    figures.created = len(pairs)
    return figures


def named_accounts_create(password_hash: str) -> AccountFigures:
    """admin (superuser), operator (admin), kabagops (command staff), polsek.mojoroto."""
    User = get_user_model()
    taken = _taken_usernames()
    figures = AccountFigures()
    users, memberships = [], []
    for username, first_name, superuser, staff, group in NAMED_ACCOUNTS:
        if username in taken:
            figures.skipped.append(username)
            continue
        user = User(
            username=username,
            first_name=first_name,
            is_superuser=superuser,
            is_staff=staff,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            password=password_hash,
        )
        users.append(user)
        if group:
            memberships.append((user, Group.objects.get_or_create(name=group)[0]))
    User.objects.bulk_create(users)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        Membership(user_id=user.pk, group_id=group.pk) for user, group in memberships
    )
    polsek_user = next((u for u in users if u.username == "polsek.mojoroto"), None)
    if polsek_user is not None:
        StaffProfile.objects.create(
            user=polsek_user, unit=Unit.objects.get(code=POLSEK_ACCOUNT_UNIT)
        )
    figures.created = len(users)
    return figures
