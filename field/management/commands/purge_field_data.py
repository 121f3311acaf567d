"""`python manage.py purge_field_data`: UU PDP 27/2022 retention of field reporting.

After the pasca phase has ended (on the operation clock): deletes report photos and sign-in
links, and strips who reported, what they wrote and where they stood. Before that it changes
nothing and says so. Celery beat runs the same service every six hours.
"""

from django.core.management.base import BaseCommand

from core.formats import wib_full
from field.services import field_data_purge, pasca_end


class Command(BaseCommand):
    help = (
        "Menghapus foto laporan dan tautan masuk, serta menganonimkan data pribadi laporan "
        "lapangan setelah tahapan pasca-operasi berakhir."
    )

    def handle(self, *args, **options):
        result = field_data_purge()
        if result is None:
            end = pasca_end()
            when = wib_full(end) if end else "-"
            self.stdout.write(
                f"Belum ada yang dihapus: data lapangan disimpan sampai tahapan pasca berakhir "
                f"({when})."
            )
            return
        self.stdout.write(
            f"Data lapangan dibersihkan: {result.photos} foto dihapus, {result.reports} laporan "
            f"dan {result.checkins} check-in dianonimkan, {result.steps} status TPS tanpa nama "
            f"pelapor, {result.acks} tanda terima instruksi dan {result.links} tautan masuk "
            "dihapus."
        )
