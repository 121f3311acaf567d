"""How django-axes names the account that a failed sign-in tried."""

from django.http import HttpRequest

# axes_accessattempt.username is a varchar(255).
USERNAME_MAX = 255


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username as typed, cut to what axes can store.

    Django's login forms put the username's max_length on the widget only, so a longer one
    reaches authenticate() and axes' record of the failure; PostgreSQL refused it with a 500
    (found by tests/hardening/test_fuzz_login_and_language.py). No account has such a name, so
    the cut loses nothing, and the attempt is still counted.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:USERNAME_MAX] if isinstance(username, str) else username
