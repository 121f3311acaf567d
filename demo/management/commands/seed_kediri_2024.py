"""`python manage.py seed_kediri_2024 [--reset]`: the demo of Polres Kediri Kota, Pilkada 2024."""

import os

from django.core.management.base import BaseCommand, CommandError

from demo.seed import DemoDataConflict, demo_seed


class Command(BaseCommand):
    help = (
        "Mengisi data demo Operasi Mantap Praja Semeru 2024 Polres Kediri Kota: wilayah hukum, "
        "839 TPS sintetis, 2.285 personel, penugasan tahapan pemungutan dan rakor 13 Agustus "
        "2024. Akun demo hanya dibuat bila OPSBOARD_DEMO_PASSWORD diisi. Pada basis data yang "
        "sudah berisi data demo, perintah ini tidak mengubah apa pun."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Hapus data demo yang ada, lalu bangun ulang (dalam satu transaksi).",
        )

    def handle(self, *args, reset: bool, **options):
        # An empty variable counts as unset: no demo login with an empty password.
        password = os.environ.get("OPSBOARD_DEMO_PASSWORD") or None
        try:
            result = demo_seed(password=password, reset=reset)
        except DemoDataConflict as exc:
            raise CommandError(str(exc)) from exc
        for line in result.lines():
            self.stdout.write(line)
