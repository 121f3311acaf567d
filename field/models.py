"""Field reporting: how guards sign in from their phones and what they report from the TPS.

Sign-in links printed on assignment cards, check-ins at the TPS, the TPS status timeline of
election day, situation reports (with an optional photo kept in private storage), and the
command's instructions to the guards of a kecamatan or desa with their acknowledgements.

Times called ``at`` are operation-clock times (core.clock): what the domain compares them
with. ``recorded_at`` is real time, for audit. Personal data here (positions, photos, texts,
who reported) is deleted or anonymised after the ``pasca`` phase (field.services).
"""

import hashlib

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.access import Role, access_of
from field.geo import position_complete


def token_digest(token: str) -> str:
    """A link's token is stored only as this digest: a leaked database signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLinkQuerySet(models.QuerySet):
    def usable(self) -> "SignInLinkQuerySet":
        # Real time: authentication never uses the operation clock (API.md).
        return self.filter(used_at=None, revoked_at=None, expires_at__gt=timezone.now())


class SignInLink(models.Model):
    """A one-time sign-in link for one person: the QR code on an assignment card, or the URL
    that support reads out over the phone (``manage.py field_login``)."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    person = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.CASCADE,
        related_name="signin_links",
        verbose_name=_("personel"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    expires_at = models.DateTimeField(
        _("berlaku sampai"),
        help_text=_("Akhir penugasan terakhir orang ini ditambah masa tenggang (waktu nyata)."),
    )
    used_at = models.DateTimeField(_("dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    objects = SignInLinkQuerySet.as_manager()

    class Meta:
        db_table = "opsboard_signinlink"
        verbose_name = _("tautan masuk")
        verbose_name_plural = _("tautan masuk")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at=None) | Q(revoked_at=None),
                name="opsboard_signinlink_used_or_revoked_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class FieldSession(models.Model):
    """A phone signed in as a field officer: the key of its session, recorded at sign-in, so
    that revoking the card, printing a new one or "keluarkan ponsel" can end the session at
    once instead of leaving a lost phone signed in (with the team's phone numbers) until its
    expiry, up to FIELD_SESSION_MAX later.

    The key is ended through the session engine, so this works with database and cache sessions
    alike, and costs no query on the officer's own requests."""

    person = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.CASCADE,
        related_name="field_sessions",
        verbose_name=_("personel"),
    )
    session_key = models.CharField(_("kunci sesi"), max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(_("masuk"), auto_now_add=True)

    class Meta:
        verbose_name = _("sesi ponsel petugas")
        verbose_name_plural = _("sesi ponsel petugas")
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class FieldQuerySet(models.QuerySet):
    """Scope of field records: the command sees all, Polsek staff their kecamatan (through the
    TPS), a field officer their own records only."""

    kecamatan_path = "tps__desa__kecamatan_id"

    def visible_to(self, user):
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            return self.filter(**{self.kecamatan_path: access.kecamatan_id})
        if access.role is Role.FIELD:
            return self.filter(person_id=access.personnel_id)
        return self.none()


class ViaPosko(models.Model):
    """Who typed a record in when the guard phoned or radioed it to a Posko."""

    via_posko = models.BooleanField(
        _("lewat Posko"),
        default=False,
        help_text=_("Dicatat operator Posko atas nama petugas yang melapor lewat telepon/radio."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        abstract = True


class CheckIn(ViaPosko):
    """A guard's "saya sudah di lokasi" at a TPS, with the phone's position when it gave one.

    Without a position the check-in stands but is unverified; with one, the distance to the TPS
    is kept and a check-in farther than FIELD_CHECKIN_FAR_METRES is flagged for the command.
    """

    person = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.SET_NULL,
        null=True,
        related_name="checkins",
        verbose_name=_("personel"),
    )
    tps = models.ForeignKey(
        "tps.TPS", on_delete=models.CASCADE, related_name="checkins", verbose_name=_("TPS")
    )
    phase = models.ForeignKey(
        "deployments.Phase",
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("tahapan"),
    )
    at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi saat melapor."))
    recorded_at = models.DateTimeField(_("tercatat"), auto_now_add=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy_m = models.PositiveIntegerField(
        _("akurasi (m)"), null=True, blank=True, help_text=_("Akurasi posisi menurut ponsel.")
    )
    distance_m = models.PositiveIntegerField(
        _("jarak ke TPS (m)"), null=True, blank=True, help_text=_("Kosong: tanpa posisi.")
    )
    far = models.BooleanField(
        _("jauh dari TPS"),
        default=False,
        help_text=_("Posisi lebih jauh dari batas (FIELD_CHECKIN_FAR_METRES) saat melapor."),
    )
    idempotency_key = models.UUIDField(
        null=True,
        blank=True,
        help_text=_("Dari ponsel: laporan yang dikirim ulang disimpan sekali."),
    )

    objects = FieldQuerySet.as_manager()

    class Meta:
        db_table = "opsboard_checkin"
        verbose_name = _("check-in")
        verbose_name_plural = _("check-in")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=position_complete(),
                name="opsboard_checkin_position_complete",
            ),
            models.CheckConstraint(
                condition=Q(far=False) | Q(distance_m__isnull=False),
                name="opsboard_checkin_far_needs_distance",
            ),
            models.UniqueConstraint(
                fields=["person", "idempotency_key"], name="opsboard_checkin_unique_key"
            ),
        ]
        indexes = [models.Index(fields=["tps", "-at"]), models.Index(fields=["phase", "tps"])]

    def __str__(self) -> str:
        return f"{self.tps_id} @ {self.at:%Y-%m-%d %H:%M}"

    @property
    def verified(self) -> bool:
        return self.distance_m is not None


class TPSStatusStep(ViaPosko):
    """One step of a TPS's election day, reported by a guard: from the guards' arrival on H-1 to
    the ballot boxes handed over at the PPK. One record per TPS and step: when two guards report
    the same step at once, the database keeps the first and the second is told so."""

    class Step(models.IntegerChoices):
        GUARDS_PRESENT = 1, _("Petugas pengamanan hadir (H-1)")
        TPS_OPEN = 2, _("TPS dibuka")
        VOTING_CLOSED = 3, _("Pemungutan suara ditutup")
        COUNTING_DONE = 4, _("Penghitungan suara selesai")
        TO_PPS = 5, _("Kotak suara dikawal ke PPS")
        TO_PPK = 6, _("Kotak suara diserahkan di PPK")

    tps = models.ForeignKey(
        "tps.TPS", on_delete=models.CASCADE, related_name="status_steps", verbose_name=_("TPS")
    )
    step = models.PositiveSmallIntegerField(_("tahap"), choices=Step.choices)
    at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi saat dilaporkan."))
    recorded_at = models.DateTimeField(_("tercatat"), auto_now_add=True)
    person = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.SET_NULL,
        null=True,
        related_name="status_steps",
        verbose_name=_("dilaporkan oleh"),
    )

    objects = FieldQuerySet.as_manager()

    class Meta:
        db_table = "opsboard_tpsstatusstep"
        verbose_name = _("status TPS")
        verbose_name_plural = _("status TPS")
        ordering = ["tps", "step"]
        constraints = [
            models.UniqueConstraint(fields=["tps", "step"], name="opsboard_tpsstatusstep_unique"),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=6), name="opsboard_tpsstatusstep_step_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tps_id}: {self.get_step_display()}"

    @property
    def code(self) -> str:
        return self.Step(self.step).name.lower()


@deconstructible(path="field.models.PrivatePhotoStorage")
class PrivatePhotoStorage(FileSystemStorage):
    """Report photos under FIELD_PHOTO_ROOT, outside MEDIA_ROOT: no URL serves them directly,
    only the view that checks who is asking (read from settings on every use, so tests can point
    it at a temporary folder)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> str:
        return str(settings.FIELD_PHOTO_ROOT)

    @property
    def location(self) -> str:
        return str(settings.FIELD_PHOTO_ROOT)

    def url(self, name: str | None) -> str:
        raise ValueError("Report photos have no public URL; use field:report_photo.")


class SituationReport(ViaPosko):
    """A guard's situation report (laporan situasi): all quiet, a disturbance, a hoax, or other;
    a short text and optionally one photo, resized and stripped of its metadata."""

    class Kind(models.TextChoices):
        AMAN = "aman", _("Aman")
        GANGGUAN = "gangguan", _("Gangguan")
        HOAKS = "hoaks", _("Hoaks")
        LAINNYA = "lainnya", _("Lainnya")

    person = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.SET_NULL,
        null=True,
        related_name="situation_reports",
        verbose_name=_("pelapor"),
    )
    tps = models.ForeignKey(
        "tps.TPS",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="situation_reports",
        verbose_name=_("TPS"),
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("isi laporan"), max_length=1000, blank=True)
    photo = models.FileField(
        _("foto"), storage=PrivatePhotoStorage(), upload_to="laporan/", blank=True, max_length=200
    )
    urgent = models.BooleanField(
        _("mendesak"), default=False, help_text=_("Ditandai untuk pimpinan di dasbor.")
    )
    at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi saat dilaporkan."))
    recorded_at = models.DateTimeField(_("tercatat"), auto_now_add=True)
    idempotency_key = models.UUIDField(
        help_text=_("Dari ponsel: laporan yang dikirim ulang setelah luring disimpan sekali.")
    )
    handled_at = models.DateTimeField(_("ditangani"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditangani oleh"),
    )

    objects = FieldQuerySet.as_manager()

    class Meta:
        db_table = "opsboard_situationreport"
        verbose_name = _("laporan situasi")
        verbose_name_plural = _("laporan situasi")
        ordering = ["-at", "-pk"]
        permissions = [
            (
                "record_via_posko",
                _("Dapat mencatat laporan lapangan atas nama petugas (operator Posko)"),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "idempotency_key"], name="opsboard_situationreport_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["aman", "gangguan", "hoaks", "lainnya"]),
                name="opsboard_situationreport_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(handled_by=None) | Q(handled_at__isnull=False),
                name="opsboard_situationreport_handler_needs_time",
            ),
        ]
        indexes = [models.Index(fields=["-at"]), models.Index(fields=["kind", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


class InstructionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InstructionQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            k = access.kecamatan_id
            return self.filter(Q(kecamatan_id=k) | Q(desa__kecamatan_id=k))
        return self.none()


class Instruction(models.Model):
    """An instruction from the command to the guards of one kecamatan or one desa; it stays on
    their /me/ until each of them acknowledges it."""

    text = models.TextField(_("instruksi"), max_length=1000)
    kecamatan = models.ForeignKey(
        "tps.Kecamatan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    desa = models.ForeignKey(
        "tps.Desa",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    created_at = models.DateTimeField(_("dibuat"), help_text=_("Waktu operasi."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dari"),
    )
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)

    objects = InstructionQuerySet.as_manager()

    class Meta:
        db_table = "opsboard_instruction"
        verbose_name = _("instruksi")
        verbose_name_plural = _("instruksi")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kecamatan__isnull=False, desa=None)
                | Q(kecamatan=None, desa__isnull=False),
                name="opsboard_instruction_one_area",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class InstructionAck(models.Model):
    """A guard's "saya mengerti" to an instruction."""

    instruction = models.ForeignKey(
        Instruction, on_delete=models.CASCADE, related_name="acks", verbose_name=_("instruksi")
    )
    person = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.CASCADE,
        related_name="instruction_acks",
        verbose_name=_("personel"),
    )
    at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi."))

    class Meta:
        db_table = "opsboard_instructionack"
        verbose_name = _("tanda terima instruksi")
        verbose_name_plural = _("tanda terima instruksi")
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "person"], name="opsboard_instructionack_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instruction_id} ← {self.person_id}"


# Incident command lives in its own package (this module would pass 500 lines); importing its
# models here registers them with the field app.
from field.alerts.models import AreaAlert, ChecklistItem, ContingencyStep  # noqa: E402, F401
from field.dispatch.models import DispatchStep, IncidentDispatch  # noqa: E402, F401
from field.incidents.models import Incident, IncidentEvent, IncidentReport  # noqa: E402, F401
from field.logistics.models import (  # noqa: E402, F401
    LogisticsBatch,
    LogisticsFlag,
    LogisticsLeg,
    LogisticsPlace,
    LogisticsVehicle,
)
from field.notifications.models import (  # noqa: E402, F401
    EscalationRule,
    EscalationStep,
    Notification,
    NotificationDelivery,
    PushSubscription,
    TelegramChat,
)
from field.panic.models import PanicAlert, PanicSignal  # noqa: E402, F401
from field.rollcall.models import RollCall  # noqa: E402, F401
from field.turnout.models import TurnoutCount, TurnoutReport  # noqa: E402, F401
