"""`python manage.py field_login IDENTIFIER [--force POLRI|TNI|LINMAS]`: one sign-in URL.

For support by phone: prints exactly one absolute one-time sign-in URL on stdout (and nothing
else there), creating the person's field account when it is missing. Their earlier unused links
stop working. An unknown or inactive identifier exits 1 with an Indonesian message on stderr.
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from deployments.models import Force, Personnel
from field.services import signin_link_issue, signin_url


class Command(BaseCommand):
    help = (
        "Membuat satu tautan masuk sekali pakai untuk seorang petugas (NRP atau nomor "
        "registrasi Linmas) dan mencetaknya. Akun lapangan dibuat bila belum ada."
    )

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="NRP (Polri/TNI) atau nomor registrasi Linmas.")
        parser.add_argument(
            "--force",
            choices=Force.values,
            help="Matra, bila nomor yang sama dipakai di lebih dari satu matra.",
        )

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(1)

    def handle(self, *args, identifier: str, force: str | None, **options):
        identifier = "".join(identifier.split())
        people = Personnel.objects.filter(identifier__iexact=identifier)
        if force:
            people = people.filter(force=force)
        found = list(people[:3])
        if not found:
            self.fail(f"Tidak ada personel dengan nomor {identifier}.")
        if len(found) > 1:
            forces = ", ".join(sorted(p.force for p in found))
            self.fail(
                f"Nomor {identifier} dipakai di lebih dari satu matra ({forces}); "
                "ulangi dengan --force POLRI, TNI atau LINMAS."
            )
        person = found[0]
        if not person.active:
            self.fail(f"{person.name} ({identifier}) tidak aktif; tautan masuk tidak dibuat.")
        try:
            _link, token = signin_link_issue(person=person)
        except ValidationError as exc:
            self.fail(" ".join(exc.messages))
        self.stdout.write(signin_url(token))
