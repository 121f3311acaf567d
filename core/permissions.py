"""The role groups' model permissions, kept in step with the models after every migrate.

Permissions exist only after post_migrate has created them, so a data migration cannot grant
them on a fresh database; this handler runs right after Django's own.
"""

from django.contrib.auth.models import Group, Permission

from core.access import GROUP_ADMIN, GROUP_COMMAND, GROUP_POLSEK

DOMAIN_APPS = ("tps", "deployments", "coordination")
# The field app's models that admins enter in the Django admin (docs/logistics.md); the rest of
# the field app (reports, incidents, notifications) is written by its own pages only.
FIELD_ADMIN_MODELS = (
    "logisticsplace",
    "logisticsbatch",
    "logisticsvehicle",
    "logisticsleg",
    "logisticsflag",
)


def sync_role_groups(using: str = "default", **kwargs) -> None:
    permissions = Permission.objects.using(using)
    groups = Group.objects.using(using)
    domain = permissions.filter(content_type__app_label__in=DOMAIN_APPS) | permissions.filter(
        content_type__app_label="field", content_type__model__in=FIELD_ADMIN_MODELS
    )
    # Admins unlock logins (axes) and read the audit log; the log grants only reading to anyone.
    admin_extra = permissions.filter(content_type__app_label="axes") | permissions.filter(
        content_type__app_label="audit", codename="view_auditevent"
    )
    admin, _ = groups.get_or_create(name=GROUP_ADMIN)
    admin.permissions.set([*domain, *admin_extra])
    command, _ = groups.get_or_create(name=GROUP_COMMAND)
    command.permissions.set(domain.filter(codename__startswith="view_"))
    # Polsek staff get no admin rights by default; an admin may grant edit rights per person.
    groups.get_or_create(name=GROUP_POLSEK)
