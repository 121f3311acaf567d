"""Why a sign-in link does not work, so that its page tells the officer what to do."""

from dataclasses import dataclass

from django.utils import timezone

from field.models import SignInLink, token_digest


@dataclass(frozen=True)
class SignInTrouble:
    # "used", "revoked", "expired", or "unknown" (no such link, or its person may not sign in)
    reason: str
    # Only an account with a password may be told to sign in with one: a card's field account
    # has none (deployments.services.personnel_account_create).
    has_password: bool = False


def signin_link_trouble(token: str) -> SignInTrouble:
    """Why the link of this token does not sign in. One query."""
    link = (
        SignInLink.objects.select_related("person__user")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if link is None:
        return SignInTrouble("unknown")
    user = link.person.user
    has_password = user is not None and user.is_active and user.has_usable_password()
    if not link.person.active or user is None or not user.is_active:
        reason = "unknown"
    elif link.used_at is not None:
        reason = "used"
    elif link.revoked_at is not None:
        reason = "revoked"
    elif link.expires_at <= timezone.now():
        reason = "expired"
    else:  # usable a moment ago: another request used it first
        reason = "used"
    return SignInTrouble(reason, has_password=has_password and link.person.active)
