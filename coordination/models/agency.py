"""The agencies that sit at a rakor."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from coordination.models.base import CoordinationQuerySet


class Agency(models.Model):
    """An agency at the table: Polres, Kodim, Pemkot, KPU, Bawaslu, Kesbangpol, BPBD…"""

    class Kind(models.TextChoices):
        FORKOPIMDA = "forkopimda", _("Forkopimda")
        FORKOPIMCAM = "forkopimcam", _("Forkopimcam")
        PENYELENGGARA = "penyelenggara", _("Penyelenggara pemilu")
        PEMDA = "pemda", _("Perangkat daerah")
        OTHER = "lainnya", _("Lainnya")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
