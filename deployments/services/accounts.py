"""Logins for deployed people: the account a field officer signs in with."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from deployments.models import Personnel


@transaction.atomic
def personnel_account_create(*, personnel: Personnel, password: str | None = None):
    """Give a person a login whose username is their identifier.

    NRPs of Polri and TNI and Linmas register numbers come from different registers; if two
    people of different forces share an identifier, one username cannot serve both, so the
    second account is refused rather than silently attached to the wrong person.
    """
    User = get_user_model()
    if personnel.user_id is not None:
        return personnel.user
    if User.objects.filter(username__iexact=personnel.identifier).exists():
        raise ValidationError(
            _(
                "Nama pengguna %(id)s sudah dipakai akun lain (kemungkinan personel matra lain "
                "dengan nomor yang sama). Buat akun ini secara manual dengan nama pengguna lain."
            )
            % {"id": personnel.identifier},
            code="username_clash",
        )
    user = User(username=personnel.identifier, first_name=personnel.name[:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    personnel.user = user
    personnel.save(update_fields=["user"])
    return user
