"""`python manage.py purge_personal_data`: the whole UU PDP retention in one run.

Field data once pasca is over (field.services.field_data_purge); the people deployed
PERSONAL_DATA_RETENTION_DAYS later (deployments.services.personnel_data_purge); the audit log's
lines older than AUDIT_LOG_RETENTION_DAYS (audit.retention). All or nothing: one transaction.
Says what it removed, or until when each part is kept. Beat runs the same services
(opsboard.tasks.purge_field_data_task, opsboard.tasks.purge_personal_data_task).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from core.formats import wib_full
from deployments.services import personal_data_purge
from field.services import field_data_purge, pasca_end


class Command(BaseCommand):
    help = (
        "Retensi UU PDP: membersihkan data lapangan setelah tahapan pasca, menganonimkan "
        "personel dan menghapus akun lapangan setelah PERSONAL_DATA_RETENTION_DAYS, dan "
        "menghapus catatan audit yang lebih tua dari AUDIT_LOG_RETENTION_DAYS."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            field = field_data_purge()
            run = personal_data_purge()
        if field is None:
            self.stdout.write(
                _("Data lapangan belum dihapus: disimpan sampai tahapan pasca berakhir (%(when)s).")
                % {"when": wib_full(pasca_end())}
            )
        else:
            self.stdout.write(
                _(
                    "Data lapangan: %(photos)s foto, %(links)s tautan masuk dan %(acks)s tanda "
                    "terima dihapus; %(reports)s laporan, %(checkins)s check-in dan %(steps)s "
                    "status TPS dianonimkan."
                )
                % vars(field)
            )
        if run.personnel is None:
            self.stdout.write(
                _(
                    "Data personel belum dihapus: disimpan sampai %(when)s (%(days)s hari "
                    "setelah tahapan pasca berakhir)."
                )
                % {"when": wib_full(run.due), "days": settings.PERSONAL_DATA_RETENTION_DAYS}
            )
        else:
            self.stdout.write(
                _(
                    "Data personel: %(pseudonymised)s personel Linmas/TNI dianonimkan, "
                    "%(polri_blanked)s personel Polri tanpa telepon dan desa asal, %(history)s "
                    "versi riwayat ditulis ulang, %(accounts)s akun lapangan dihapus, "
                    "%(audit_lines)s catatan audit diberi nama samaran, %(imports)s impor "
                    "berkas dikosongkan."
                )
                % vars(run.personnel)
            )
        self.stdout.write(
            _("Log audit: %(lines)s catatan sebelum %(cutoff)s dihapus (disimpan %(days)s hari).")
            % {
                "lines": run.audit.lines,
                "cutoff": wib_full(run.audit.cutoff),
                "days": settings.AUDIT_LOG_RETENTION_DAYS,
            }
        )
