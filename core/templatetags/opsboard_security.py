"""The admin index's notice of usernames under a sign-in attack (core/throttling.py), for those
who may unlock them: the same permission as axes' changelist of sign-in attempts."""

from django import template
from django.urls import reverse

from core.throttling import lockouts_under_attack

register = template.Library()

UNLOCK_PERMISSION = "axes.view_accessattempt"


@register.inclusion_tag("core/lockout_notice.html", takes_context=True)
def lockout_notice(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(UNLOCK_PERMISSION):
        return {"attacks": []}
    return {
        "attacks": lockouts_under_attack(),
        "changelist_url": reverse("admin:axes_accessattempt_changelist"),
    }
