"""The admin site's name, and the admins that Django and django-axes register themselves
(accounts, groups, sign-in attempts and lockouts), registered again with the changelist that
answers unreadable filters with "?e=1" instead of a 500 (core/admin_input.py). Found by
tests/hardening/test_fuzz_admin_lookups.py.

The project app is the last of ours in INSTALLED_APPS, so their own registrations exist by now.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.admin_input import ReadableInputAdminMixin

# The product's name, not Django's, on every admin page and in the browser's tab.
admin.site.site_header = _("Opsboard — Administrasi")
admin.site.site_title = _("Opsboard")
admin.site.index_title = _("Data operasi")

THIRD_PARTY_ADMINS = (
    (get_user_model(), auth_admin.UserAdmin),
    (Group, auth_admin.GroupAdmin),
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
)

for model, model_admin in THIRD_PARTY_ADMINS:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(
            model, type(model_admin.__name__, (ReadableInputAdminMixin, model_admin), {})
        )
