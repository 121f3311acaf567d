"""python manage.py generate_synthetic --tps N: a synthetic operation for benchmarks."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.synthetic import synthetic_operation_create
from deployments.models import Operation


class Command(BaseCommand):
    help = "Bangun operasi sintetis berukuran N TPS (proporsi Kediri) untuk benchmark."

    def add_arguments(self, parser):
        parser.add_argument(
            "--tps", type=int, required=True, help="jumlah TPS, mis. 839, 60312, 823000"
        )
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, tps: int, seed: int, **options):
        if tps < 1:
            raise CommandError("--tps harus bilangan bulat positif.")
        if Operation.objects.exists():
            raise CommandError(
                "Basis data ini sudah berisi operasi. Data sintetis hanya dibangun di basis data "
                "kosong (benchmark), agar tidak tercampur dengan data nyata."
            )
        if getattr(settings, "DATABASE_POOL_MODE", "session") == "transaction":
            # Its SET below is for its own session: through PgBouncer in transaction mode it
            # would land on a server connection other clients then share.
            raise CommandError(
                "Jalankan generate_synthetic langsung ke PostgreSQL, bukan lewat PgBouncer "
                "(DATABASE_POOL_MODE=transaction)."
            )
        if connection.vendor == "postgresql":
            # The site's statement timeout (DATABASE_STATEMENT_TIMEOUT, 15 s) is for requests;
            # at Polda size one COPY of ~150,000 duties through their checks takes longer.
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        started = time.monotonic()
        figures = synthetic_operation_create(tps_count=tps, seed=seed)
        self.stdout.write(
            f"Operasi sintetis: {figures.tps} TPS, {figures.desa} desa, "
            f"{figures.kecamatan} kecamatan, {figures.personnel} personel, "
            f"{figures.assignments} penugasan ({time.monotonic() - started:.1f} s)."
        )
