"""The report tables: the daily report (one per Asia/Jakarta day and scope) and the special
report (laporan khusus, one per notable incident), each with its corrections.

A signed report is never updated: the database refuses an UPDATE of a signed row (a trigger,
migrations opsboard/0004 and 0005), the service refuses it first with an Indonesian message. A
correction is a new row of the same day and scope (or incident) that points to the report it
corrects (``revises``), with the next revision number and the reason; the corrected one stays
as it was signed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import Role, access_of
from field.incidents.models import Incident

POLRES = "polres"
TEXT_MAX = 8000
REPORT_LOCKED = _(
    "Laporan harian ini sudah ditandatangani dan terkunci. Koreksi dibuat sebagai revisi baru "
    "dengan alasannya."
)
SPECIAL_LOCKED = _(
    "Laporan khusus ini sudah ditandatangani dan terkunci. Koreksi dibuat sebagai revisi baru "
    "dengan alasannya."
)


class SignedReport(models.Model):
    """What every signed report has: revisions with a reason, when its figures or facts were
    read, a situation summary that signing needs, and who edited and signed it."""

    revises = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("mengoreksi"),
    )
    reason = models.TextField(
        _("alasan koreksi"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Wajib untuk setiap revisi."),
    )
    generated_at = models.DateTimeField(_("dibuat pada"))
    edited_by_name = models.CharField(_("terakhir diubah oleh"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("ditandatangani pada"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # PROTECT, not SET_NULL: nulling it would be an UPDATE of a signed row, which the
        # database refuses. An account that signed is deactivated, never deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditandatangani oleh"),
    )
    signed_by_name = models.CharField(_("nama penandatangan"), max_length=150, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(revision=0, revises__isnull=True, reason="")
                | (Q(revision__gte=1, revises__isnull=False) & ~Q(reason="")),
                name="%(app_label)s_%(class)s_revision_has_reason",
            ),
            # Signed: who signed, and the situation summary signing needs (the service says
            # so in Indonesian first).
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by_name="")
                | (Q(signed_at__isnull=False) & ~Q(signed_by_name="") & ~Q(summary="")),
                name="%(app_label)s_%(class)s_signed_has_signer",
            ),
        ]

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def api_status(self) -> str:
        """The JSON's ``status``: ``signed`` or ``draft``."""
        return "signed" if self.is_signed else "draft"

    def clean(self) -> None:
        if self.revision and not self.reason.strip():
            raise ValidationError({"reason": _("Tuliskan alasan koreksi.")})


class DailyReportQuerySet(models.QuerySet):
    def current(self) -> "DailyReportQuerySet":
        """The latest revision of each day and scope: the reports no correction replaces."""
        return self.filter(corrected_by__isnull=True)

    def of_scope(self, scope_code: str = POLRES) -> "DailyReportQuerySet":
        return self.filter(scope_code=scope_code)

    def visible_to(self, user) -> "DailyReportQuerySet":
        """Command staff and admins read every report; Polsek staff their kecamatan's (the
        Polsek's own laporan harian), never the Polres's; everyone else none."""
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK and access.kecamatan_id is not None:
            return self.filter(kecamatan_id=access.kecamatan_id)
        return self.none()


class DailyReport(SignedReport):
    """The laporan harian of one day to the level above: the Polres's to Polda, written and
    signed by the Kabag Ops, or a kecamatan's (its Polsek's, to the Polres), written and signed
    by its Polsek staff; the figures read from the product's own data when it was generated,
    through that scope."""

    day = models.DateField(_("tanggal"), help_text=_("Hari menurut Asia/Jakarta (WIB)."))
    scope_code = models.CharField(
        _("lingkup"),
        max_length=10,
        default=POLRES,
        help_text=_("“polres” untuk seluruh Polres, atau kode kecamatan."),
    )
    kecamatan = models.ForeignKey(
        "tps.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    revision = models.PositiveSmallIntegerField(
        _("revisi ke"), default=0, help_text=_("0 untuk laporan pertama hari itu.")
    )
    figures = models.JSONField(
        _("angka"),
        default=dict,
        help_text=_("Angka hari itu, dibaca dari data Opsboard saat laporan dibuat."),
    )
    summary = models.TextField(
        _("ringkasan situasi"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Ditulis Kabag Ops: keadaan kamtibmas hari itu."),
    )
    activities_note = models.TextField(
        _("catatan kegiatan"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Kegiatan lain yang tidak tercatat di Opsboard."),
    )
    traffic_accidents = models.PositiveIntegerField(
        _("kecelakaan lalu lintas"),
        null=True,
        blank=True,
        help_text=_(
            "Opsboard tidak mencatat kecelakaan lalu lintas: diisi manual dari Sat Lantas, "
            "kosong berarti tidak dilaporkan."
        ),
    )
    traffic_note = models.TextField(_("keterangan lalu lintas"), max_length=TEXT_MAX, blank=True)

    objects = DailyReportQuerySet.as_manager()

    class Meta(SignedReport.Meta):
        verbose_name = _("laporan harian")
        verbose_name_plural = _("laporan harian")
        ordering = ["-day", "-revision"]
        constraints = [
            # One report per day and scope (the beat's idempotence), and one of each revision.
            models.UniqueConstraint(
                fields=["day", "scope_code", "revision"],
                name="opsboard_dailyreport_unique_revision",
            ),
            models.CheckConstraint(
                condition=Q(scope_code=POLRES, kecamatan__isnull=True)
                | (~Q(scope_code=POLRES) & Q(kecamatan__isnull=False)),
                name="opsboard_dailyreport_scope_matches",
            ),
            *SignedReport.Meta.constraints,
        ]

    def __str__(self) -> str:
        suffix = f" rev. {self.revision}" if self.revision else ""
        return f"{self.day.isoformat()} {self.scope_code}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", kwargs={"pk": self.pk})


class SpecialReportQuerySet(models.QuerySet):
    def current(self) -> "SpecialReportQuerySet":
        """The latest revision of each incident's report."""
        return self.filter(corrected_by__isnull=True)

    def visible_to(self, user) -> "SpecialReportQuerySet":
        """The reports of the incidents the user sees: a Polsek's staff read their kecamatan's
        (the incident's own scope rule, field.incidents)."""
        return self.filter(incident__in=Incident.objects.visible_to(user).values("pk"))


class SpecialReport(SignedReport):
    """The laporan khusus of one notable incident to the level above: the facts read from the
    incident when it was drafted (``facts``: its class, place, response clock, reports counted,
    timeline and who was sent, without the reporters' names or words, which the UU PDP purge
    removes from the field record and a signed report could not give up), and the sections the
    Kabag Ops writes and signs: the gist, victims and losses, actions, analysis, advice."""

    # CASCADE: the product deletes no incident (there is no such path); the demo's reset
    # removes its synthetic incidents, and their reports go with them, corrections included.
    incident = models.ForeignKey(
        "field.Incident",
        on_delete=models.CASCADE,
        related_name="special_reports",
        verbose_name=_("kejadian"),
    )
    revises = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("mengoreksi"),
    )
    revision = models.PositiveSmallIntegerField(
        _("revisi ke"), default=0, help_text=_("0 untuk laporan pertama kejadian ini.")
    )
    facts = models.JSONField(
        _("fakta"),
        default=dict,
        help_text=_("Fakta kejadian, dibaca dari data Opsboard saat laporan dibuat."),
    )
    subject = models.CharField(_("perihal"), max_length=200)
    summary = models.TextField(
        _("pokok kejadian"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Ditulis Kabag Ops: apa yang terjadi, siapa terlibat, bagaimana akhirnya."),
    )
    casualties = models.TextField(
        _("korban dan kerugian"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Kosong berarti tidak ada yang dilaporkan."),
    )
    actions_note = models.TextField(
        _("tindakan kepolisian"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Di luar personel yang dikirim dan linimasa yang tercatat di Opsboard."),
    )
    analysis = models.TextField(_("analisa"), max_length=TEXT_MAX, blank=True)
    recommendation = models.TextField(_("saran dan tindak lanjut"), max_length=TEXT_MAX, blank=True)

    objects = SpecialReportQuerySet.as_manager()

    class Meta(SignedReport.Meta):
        verbose_name = _("laporan khusus")
        verbose_name_plural = _("laporan khusus")
        ordering = ["-generated_at", "-revision"]
        constraints = [
            # One first report per incident (the beat's and the button's idempotence), and one
            # of each revision.
            models.UniqueConstraint(
                fields=["incident", "revision"], name="opsboard_specialreport_unique_revision"
            ),
            models.CheckConstraint(
                condition=~Q(subject=""), name="opsboard_specialreport_has_subject"
            ),
            *SignedReport.Meta.constraints,
        ]

    def __str__(self) -> str:
        suffix = f" rev. {self.revision}" if self.revision else ""
        return f"{self.facts.get('number', self.incident_id)}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("special:report_detail", kwargs={"pk": self.pk})
