"""Build (or rebuild) the Kediri 2024 demo in one transaction."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from coordination.models import Meeting
from demo.accounts import AccountFigures, named_accounts_create, personnel_accounts_attach
from demo.common import DEMO_EMAIL_DOMAIN, OPERATION_NAME, thousands
from demo.deployment import (
    DeploymentFigures,
    assignments_create,
    operation_setup,
    patterns_create,
    polri_pattern,
    sprins_create,
)
from demo.forces import (
    KODIM_CODE,
    POLRES_CODE,
    POLSEK_SIZES,
    demo_unit_codes,
    personnel_save,
    roster_build,
    units_create,
)
from demo.incidents import incidents_create, incidents_delete, late_ballot_tps_ids
from demo.logistics import logistics_create, logistics_delete
from demo.morning import MorningFigures, morning_create, morning_delete
from demo.objects import ObjectFigures, guarded_object_names, guarded_objects_create
from demo.places import indicators_ensure, tps_create
from demo.posts import post_plans, posts_create
from demo.rakor import MEETING_NUMBER, rakor_create
from demo.rotations import RotationFigures, rotations_create
from demo.turnout import turnout_create, turnout_delete
from deployments.coverage import coverage_recompute
from deployments.models import (
    Assignment,
    CoverageArea,
    Operation,
    Personnel,
    Post,
    Sprin,
    StaffProfile,
    Unit,
)
from tps.models import TPS, Desa, Kecamatan, Kerawanan
from tps.services import WilkumLoadResult, wilkum_desa_rows, wilkum_load

ALREADY_SEEDED = "Data demo Kediri 2024 sudah ada; tidak ada yang diubah."


class DemoDataConflict(Exception):
    """Part of the demo is in the database but the operation is not: refuse to guess."""


@dataclass
class SeedResult:
    already_seeded: bool = False
    removed: dict[str, int] | None = None
    places: WilkumLoadResult | None = None
    tps_by_kerawanan: dict[str, int] = field(default_factory=dict)
    tps_by_kabkota: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (TPS, voters)
    indicators: int = 0
    indicator_flags: int = 0
    personnel: dict[str, int] = field(default_factory=dict)
    units: int = 0
    deployment: DeploymentFigures | None = None
    objects: ObjectFigures | None = None
    rotations: RotationFigures | None = None
    meeting: Meeting | None = None
    accounts: AccountFigures | None = None  # None: no demo password, no demo login
    coverage: CoverageArea | None = None  # the operation row of the first snapshot
    incidents: int = 0
    logistics: int = 0
    morning: MorningFigures | None = None
    turnout: tuple[int, int] = (0, 0)  # closing figures, hourly counts

    def lines(self) -> list[str]:
        """A short summary in Indonesian for the command's output."""
        if self.already_seeded:
            return [ALREADY_SEEDED, "Jalankan dengan --reset untuk menghapus dan membangun ulang."]
        out = []
        if self.removed is not None:
            removed = ", ".join(f"{label} {thousands(n)}" for label, n in self.removed.items() if n)
            out.append(f"Data demo lama dihapus: {removed or 'tidak ada'}.")
        t, d, m = self.tps_by_kerawanan, self.deployment, self.morning
        total_tps = sum(t.values())
        p = self.personnel
        out += [
            "Data demo Kediri 2024 dibuat dalam satu transaksi:",
            f"- Wilayah hukum: 2 kabupaten/kota, 8 kecamatan, 106 desa/kelurahan dengan batas "
            f"wilayah (baru {self.places.created}, diperbarui {self.places.updated}, "
            f"tetap {self.places.unchanged}).",
            f"- TPS: {thousands(total_tps)} (alamat, titik dan jumlah pemilih sintetis) — "
            + "; ".join(
                f"{name} {thousands(n)} TPS, {thousands(v)} pemilih"
                for name, (n, v) in self.tps_by_kabkota.items()
            )
            + ".",
            f"  Kerawanan: kurang rawan {t.get(Kerawanan.KURANG_RAWAN, 0)}, rawan "
            f"{t.get(Kerawanan.RAWAN, 0)}, sangat rawan {t.get(Kerawanan.SANGAT_RAWAN, 0)}, "
            f"khusus {t.get(Kerawanan.KHUSUS, 0)}; {self.indicators} indikator Bawaslu "
            f"(perkiraan), {self.indicator_flags} tanda indikator pada TPS rawan.",
            f"- Personel: {thousands(sum(p.values()))} = Polri {thousands(p['POLRI'])} + TNI "
            f"{thousands(p['TNI'])} + Linmas {thousands(p['LINMAS'])}, dalam {self.units} satuan.",
            f"- {OPERATION_NAME} (19/08–31/12/2024): 7 tahapan, pola pengamanan sebagai data.",
            f"- Tahapan pemungutan: {thousands(d.assignments)} penugasan, {d.sprins} Sprin, "
            f"{d.posts} pos.",
            f"  Linmas {thousands(d.linmas_on_tps)} di {thousands(total_tps)} TPS (2 per TPS, "
            f"dari desa/kelurahan TPS itu).",
            f"  Polri: {d.polri_teams} tim ({d.polri_on_tps} personel) menjaga "
            f"{d.tps_with_polri} TPS; {d.tps_without_polri} TPS belum mendapat Polri karena "
            f"personel tidak mencukupi pola.",
            f"  Di pos (Posko, Pos Pam, patroli, pengawalan logistik, Padal, cadangan): "
            f"{d.polri_at_posts} Polri, {d.tni_at_posts} TNI.",
            f"- Obyek pengamanan: {self.objects.objects} (kantor KPU dan Bawaslu, 8 PPK, gudang "
            f"logistik, {self.objects.walpri} Walpri calon bernama sintetis), "
            f"{self.objects.norms} norma pengamanan per regu jaga (perkiraan).",
            f"- Regu jaga: {thousands(self.rotations.shifts)} regu di {self.rotations.posts} "
            f"obyek, {thousands(self.rotations.duties)} tugas dari generator rotasi "
            f"({self.rotations.short_shifts} regu kurang dari norma).",
            f"- Rakor 13 Agustus 2024: {self.meeting.attendance.count()} instansi, "
            f"{self.meeting.statements.count()} arahan, {self.meeting.decisions.count()} "
            f"keputusan, {self.meeting.action_items.count()} tindak lanjut.",
            f"- Pagi pemungutan: {self.incidents} kejadian dari laporan situasi (sintetis), "
            "dalam berbagai status, di papan kejadian.",
            f"  Lapangan (sintetis): {thousands(m.checkins)} check-in di TPS "
            f"({m.unverified} tanpa posisi, {m.far} jauh dari TPS), {thousands(m.status_steps)} "
            f"langkah status TPS, {m.reports} laporan situasi lain.",
            f"- Logistik 8 kecamatan: {self.logistics} kloter (sintetis), satu perjalanan "
            "terlambat dan satu serah terima berselisih, di panel logistik.",
            f"- Kehadiran pemilih (sintetis): angka penutupan {thousands(self.turnout[0])} TPS, "
            f"hitungan per jam pagi {thousands(self.turnout[1])}.",
            f"- Cakupan pertama dihitung: {self.coverage.covered} TPS terpenuhi, "
            f"{self.coverage.short} kurang, {self.coverage.unguarded} tanpa penjaga.",
        ]
        if self.accounts is None:
            out.append(
                "- Akun demo: tidak dibuat. OPSBOARD_DEMO_PASSWORD tidak diisi, jadi tidak "
                "ada login demo."
            )
        else:
            out.append(
                f"- Akun demo: {thousands(self.accounts.created)} (admin, operator, "
                "kabagops, polsek.mojoroto, dan setiap personel dengan NRP/nomor "
                "registrasi sebagai nama pengguna), kata sandi dari OPSBOARD_DEMO_PASSWORD."
            )
            if self.accounts.skipped:
                out.append(
                    "  Nama pengguna sudah dipakai akun lain, tidak diubah: "
                    + ", ".join(self.accounts.skipped[:10])
                    + (" …" if len(self.accounts.skipped) > 10 else "")
                    + "."
                )
        return out


@transaction.atomic
def demo_seed(*, password: str | None, reset: bool = False) -> SeedResult:
    """Build the demo; on a seeded database change nothing; with reset, delete it first.

    Demo logins are made only when a password is given (the command reads
    OPSBOARD_DEMO_PASSWORD).
    """
    removed = demo_delete() if reset else None
    if Operation.objects.filter(name=OPERATION_NAME).exists():
        return SeedResult(already_seeded=True)
    leftovers = _leftovers()
    if leftovers:
        raise DemoDataConflict(
            "Sebagian data demo sudah ada tanpa operasinya (" + ", ".join(leftovers) + "). "
            "Jalankan dengan --reset untuk menghapusnya dan membangun ulang."
        )

    result = SeedResult(removed=removed)
    result.places = wilkum_load()
    indicators = indicators_ensure()
    demo_tps = tps_create(indicators=indicators)
    tps = demo_tps.tps
    result.indicators, result.indicator_flags = len(indicators), demo_tps.indicator_flags
    result.tps_by_kerawanan = dict(Counter(t.kerawanan for t in tps))
    for t in tps:
        name = t.desa.kecamatan.kabkota.name
        count, voters = result.tps_by_kabkota.get(name, (0, 0))
        result.tps_by_kabkota[name] = (count + 1, voters + t.registered_voters)

    operation, pemungutan = operation_setup()
    patterns_create(operation)
    desa_codes = [row.code for row in wilkum_desa_rows()]
    desa = list(Desa.objects.filter(code__in=desa_codes).select_related("kecamatan"))
    units = units_create(list(Kecamatan.objects.filter(code__in=POLSEK_SIZES)), desa)
    roster = roster_build(units, tps)
    # Hashed once: every demo account shares this hash (2,289 hashes would take minutes).
    password_hash = make_password(password) if password else None
    if password_hash:
        result.accounts = personnel_accounts_attach(roster.people, password_hash)
    personnel_save(roster)
    operation.commander = roster.by_role["kapolres"]
    operation.save(update_fields=["commander"])
    result.personnel = dict(Counter(p.force for p in roster.people))
    result.units = len(units)

    desa_by_code = {d.code: d for d in desa}
    plans = post_plans(desa_by_code)
    result.deployment = assignments_create(
        phase=pemungutan,
        roster=roster,
        plans=plans,
        posts=posts_create(plans),
        sprins=sprins_create(operation),
        tps=tps,
        pattern=polri_pattern(operation, pemungutan),
    )
    result.objects = guarded_objects_create(operation, desa_by_code)
    result.rotations = rotations_create(operation)
    result.meeting = rakor_create()
    if password_hash:
        named = named_accounts_create(password_hash)
        result.accounts.created += named.created
        result.accounts.skipped += named.skipped
    result.incidents = incidents_create()
    result.morning = morning_create(pemungutan, late_tps_ids=late_ballot_tps_ids())
    result.logistics = logistics_create()
    result.turnout = turnout_create(tps)

    # Everything above was bulk-created, which sends no signals: compute the first snapshot
    # here, inside the seed's transaction, so that the demo opens with its figures.
    # One snapshot per phase with duties: the shift rotations reach beyond election day.
    written = coverage_recompute(operation_id=operation.pk, force=True)
    snapshot = next(s for s in written if s.phase_id == pemungutan.pk)
    result.coverage = snapshot.areas.get(level=CoverageArea.Level.OPERATION, kerawanan="")
    return result


def demo_delete() -> dict[str, int]:
    """Delete what the demo made, and nothing else: the operation with its phases, patterns,
    Sprin and assignments; the demo's posts, units and people; demo accounts; synthetic TPS;
    the rakor. Places, indicators and agencies are reference data and stay.

    Polsek staff profiles that point to a demo Polsek go too (the Polsek is rebuilt).
    """
    # Logistics first: a flag protects its incident.
    removed: dict[str, int] = {"kloter logistik": logistics_delete()}
    removed["kejadian"] = incidents_delete()
    desa_codes = [row.code for row in wilkum_desa_rows()]
    removed |= morning_delete(TPS.objects.filter(is_synthetic=True, desa__code__in=desa_codes))
    post_ids: set[int] = set()
    operation = Operation.objects.filter(name=OPERATION_NAME).first()
    if operation is not None:
        demo_assignments = Assignment.objects.filter(phase__operation=operation)
        post_ids |= set(demo_assignments.exclude(post=None).values_list("post_id", flat=True))
        removed["penugasan"] = demo_assignments.delete()[1].get("deployments.Assignment", 0)
        removed["Sprin"] = Sprin.objects.filter(operation=operation).delete()[0]
        operation.delete()
        removed["operasi"] = 1
    desa = {d.code: d for d in Desa.objects.select_related("kecamatan")}
    try:
        post_names = [plan.name for plan in post_plans(desa)] + guarded_object_names(desa)
    except KeyError:  # the places were never loaded: no post can be named after them
        post_names = []
    removed["pos"] = (
        Post.objects.filter(pk__in=post_ids).delete()[0]
        + Post.objects.filter(name__in=post_names).delete()[0]
    )

    unit_codes = demo_unit_codes(desa_codes)
    removed["personel"] = (
        Personnel.objects.filter(unit__code__in=unit_codes)
        .delete()[1]
        .get("deployments.Personnel", 0)
    )
    StaffProfile.objects.filter(unit__code__in=unit_codes).delete()
    # Children before parents: Unit.parent protects.
    leaves = Unit.objects.filter(code__in=unit_codes).exclude(code__in=(POLRES_CODE, KODIM_CODE))
    removed["satuan"] = (
        leaves.delete()[0] + Unit.objects.filter(code__in=(POLRES_CODE, KODIM_CODE)).delete()[0]
    )
    removed["akun"] = (
        get_user_model()
        .objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        .delete()[1]
        .get("auth.User", 0)
    )
    synthetic = TPS.objects.filter(is_synthetic=True, desa__code__in=desa_codes)
    removed["kehadiran"] = turnout_delete(synthetic)
    removed["TPS"] = synthetic.delete()[1].get("tps.TPS", 0)
    removed["rapat"] = (
        Meeting.objects.filter(number=MEETING_NUMBER).delete()[1].get("coordination.Meeting", 0)
    )
    return removed


def _leftovers() -> list[str]:
    desa_codes = [row.code for row in wilkum_desa_rows()]
    found = []
    if Unit.objects.filter(code__in=demo_unit_codes(desa_codes)).exists():
        found.append("satuan")
    if TPS.objects.filter(is_synthetic=True, desa__code__in=desa_codes).exists():
        found.append("TPS sintetis")
    if Meeting.objects.filter(number=MEETING_NUMBER).exists():
        found.append("rakor 13 Agustus 2024")
    if get_user_model().objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists():
        found.append("akun demo")
    return found
