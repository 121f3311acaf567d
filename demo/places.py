"""The demo's 839 TPS and Bawaslu's TPS-rawan indicators.

The number of TPS per desa is the estimate shipped in tps/data (SOURCES.md). Everything else
about a TPS here is synthetic and marked so: `is_synthetic`, "(alamat sintetis)" in the address,
and indicators flagged `is_estimate`.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

import shapely
from shapely.geometry import shape

from demo.common import rng
from tps.models import TPS, Desa, Indicator, Kerawanan
from tps.services import wilkum_desa_rows

# KPU Kota Kediri, Pilkada 2024: 220,807 voters at the 401 regular TPS (DOMAIN.md).
KOTA_KEDIRI_CODE = "3571"
KOTA_KEDIRI_VOTERS = 220_807
# KPU's ceiling for a Pilkada 2024 TPS; the regency's TPS average ~535 (1,254,964 DPT over
# 2,348 TPS), so the demo draws them from this range.
MAX_VOTERS = 600
MIN_VOTERS = 440
REGENCY_VOTER_RANGE = (470, 600)

# A realistic minority of vulnerable TPS [est]: ~4 % rawan, ~0.5 % sangat rawan. The wilkum's
# special-location TPS are not among the 839, so no TPS is khusus.
RAWAN_COUNT = 35
SANGAT_RAWAN_COUNT = 4

# Points are drawn this far inside the desa polygon, clear of the slivers between neighbours
# (the boundary check tolerates 50 m), and apart from each other like real polling stations.
INSET_METRES = 30.0
SPACING_METRES = 60.0
_METRES_PER_DEGREE_LAT = 110_574.0
_METRES_PER_DEGREE_LNG_EQUATOR = 111_320.0

# Tables, kept compact.
# fmt: off
STREETS = (
    "Anggrek", "Cempaka", "Dahlia", "Flamboyan", "Kamboja", "Kenanga", "Melati", "Mawar",
    "Seruni", "Teratai", "Mangga", "Nangka", "Rambutan", "Sawo", "Manggis", "Belimbing",
)
DUSUN = (
    "Krajan", "Kauman", "Ngrejo", "Sumberjo", "Tegalrejo", "Karangrejo", "Sidorejo",
    "Mulyorejo", "Sukorejo", "Kedungrejo", "Ngasinan", "Banaran",
)

# Bawaslu's TPS-rawan mapping for the Pilkada 2024: 8 variables (DOMAIN.md). The published
# sources list the indicators below (26 as worded there, against Bawaslu's stated 25); the
# wording is partly ours, so every row is an estimate. guard_relevant: what the guard at the
# TPS must know (security and location).
HAK_PILIH = "Penggunaan hak pilih"
LOKASI = "Lokasi TPS"
INDICATORS: tuple[tuple[str, str, str, bool], ...] = (
    # code, variable, indicator, guard_relevant
    ("hak-pilih-dpt-tms", HAK_PILIH, "Pemilih DPT tidak memenuhi syarat", False),
    ("hak-pilih-dptb", HAK_PILIH, "Pemilih tambahan (DPTb)", False),
    ("hak-pilih-dpk", HAK_PILIH, "Potensi pemilih khusus (DPK)", False),
    ("hak-pilih-luar-domisili", HAK_PILIH, "Penyelenggara memilih di luar domisili", False),
    ("hak-pilih-disabilitas", HAK_PILIH, "Pemilih disabilitas terdaftar di DPT", False),
    ("hak-pilih-riwayat-psu", HAK_PILIH, "Riwayat PSU/PSSU", False),
    ("keamanan-riwayat-kekerasan", "Keamanan", "Riwayat kekerasan di TPS", True),
    ("keamanan-intimidasi", "Keamanan", "Riwayat intimidasi kepada penyelenggara atau pemilih",
     True),
    ("keamanan-penolakan", "Keamanan", "Riwayat penolakan penyelenggaraan pemungutan suara",
     True),
    ("politik-uang", "Politik uang", "Riwayat politik uang di sekitar TPS", False),
    ("politisasi-sara", "Politisasi SARA dan ujaran kebencian",
     "Riwayat politisasi SARA atau ujaran kebencian di sekitar TPS", False),
    ("netralitas-penyelenggara", "Netralitas", "Netralitas penyelenggara", False),
    ("netralitas-asn", "Netralitas", "Netralitas ASN", False),
    ("netralitas-tni-polri", "Netralitas", "Netralitas TNI/Polri", False),
    ("netralitas-kades", "Netralitas", "Netralitas kepala desa atau perangkat desa", False),
    ("logistik-kerusakan", "Logistik", "Riwayat kerusakan logistik", False),
    ("logistik-kurang-lebih", "Logistik", "Riwayat kekurangan atau kelebihan logistik", False),
    ("logistik-terlambat", "Logistik", "Riwayat keterlambatan distribusi logistik (maks. H-1)",
     False),
    ("lokasi-sulit-dijangkau", LOKASI, "TPS sulit dijangkau", True),
    ("lokasi-rawan-konflik", LOKASI, "TPS di wilayah rawan konflik", True),
    ("lokasi-rawan-bencana", LOKASI, "TPS di wilayah rawan bencana", True),
    ("lokasi-dekat-lembaga", LOKASI, "TPS dekat lembaga pendidikan, pabrik atau tambang", True),
    ("lokasi-dekat-paslon", LOKASI, "TPS dekat rumah paslon atau posko tim kampanye", True),
    ("lokasi-khusus", LOKASI, "TPS di lokasi khusus", True),
    ("listrik-kendala", "Jaringan listrik dan internet", "Kendala jaringan listrik", False),
    ("internet-kendala", "Jaringan listrik dan internet", "Kendala jaringan internet", False),
)
# fmt: on


@dataclass(frozen=True)
class DemoTPS:
    tps: list[TPS]  # saved, ordered by desa code and number; each carries its desa
    indicator_flags: int


def indicators_ensure() -> list[Indicator]:
    """The indicator table: rows are created when missing, never overwritten.

    The command may have reworded an indicator; a re-seed must not undo that.
    """
    existing = set(
        Indicator.objects.filter(code__in=[row[0] for row in INDICATORS]).values_list(
            "code", flat=True
        )
    )
    Indicator.objects.bulk_create(
        Indicator(
            code=code,
            variable=variable,
            name=name,
            guard_relevant=guard,
            is_estimate=True,
            order=order,
        )
        for order, (code, variable, name, guard) in enumerate(INDICATORS, start=1)
        if code not in existing
    )
    return list(Indicator.objects.filter(code__in=[row[0] for row in INDICATORS]))


def tps_create(*, indicators: list[Indicator]) -> DemoTPS:
    """Create the 839 synthetic TPS of the wilkum with their class and indicator flags."""
    places = rng("tps-places")
    desa_by_code = {d.code: d for d in Desa.objects.select_related("kecamatan__kabkota")}
    tps: list[TPS] = []
    for row in wilkum_desa_rows():
        desa = desa_by_code[row.code]
        points = _points_inside(desa.boundary, row.tps_estimate, places)
        for number, (lat, lng) in enumerate(points, start=1):
            tps.append(
                TPS(
                    desa=desa,
                    number=number,
                    address=_address(desa, places),
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lng:.6f}"),
                    is_synthetic=True,
                )
            )

    _set_voters(tps, rng("tps-voters"))
    classes = rng("tps-kerawanan")
    vulnerable = classes.sample(range(len(tps)), SANGAT_RAWAN_COUNT + RAWAN_COUNT)
    for index in vulnerable[:SANGAT_RAWAN_COUNT]:
        tps[index].kerawanan = Kerawanan.SANGAT_RAWAN
    for index in vulnerable[SANGAT_RAWAN_COUNT:]:
        tps[index].kerawanan = Kerawanan.RAWAN
    TPS.objects.bulk_create(tps)

    flags = _indicator_flags(tps, indicators, rng("tps-indicators"))
    TPS.indicators.through.objects.bulk_create(flags)
    return DemoTPS(tps=tps, indicator_flags=len(flags))


def _points_inside(boundary: dict, count: int, random_stream: random.Random) -> list[tuple]:
    """`count` (lat, lng) points well inside a GeoJSON polygon, in a local metric plane."""
    geometry = shape(boundary)
    lng0, lat0 = geometry.centroid.x, geometry.centroid.y
    scale = (_METRES_PER_DEGREE_LNG_EQUATOR * math.cos(math.radians(lat0)), _METRES_PER_DEGREE_LAT)
    plane = shapely.transform(geometry, lambda xy: (xy - (lng0, lat0)) * scale)
    inner = plane
    for inset in (INSET_METRES, 15.0, 5.0):
        # A narrow kelurahan may vanish when shrunk by 30 m; shrink it less rather than not at all.
        shrunk = plane.buffer(-inset)
        if not shrunk.is_empty and shrunk.area > 20_000:
            inner = shrunk
            break
    shapely.prepare(inner)
    min_x, min_y, max_x, max_y = inner.bounds
    points: list[tuple[float, float]] = []
    spacing, attempts = SPACING_METRES, 0
    while len(points) < count:
        attempts += 1
        if attempts % 500 == 0:
            spacing /= 2  # a crowded kelurahan: let TPS stand closer together
        x, y = random_stream.uniform(min_x, max_x), random_stream.uniform(min_y, max_y)
        if not shapely.contains_xy(inner, x, y):
            continue
        if any((x - px) ** 2 + (y - py) ** 2 < spacing**2 for px, py in points):
            continue
        points.append((x, y))
    return [(y / scale[1] + lat0, x / scale[0] + lng0) for x, y in points]


def _address(desa: Desa, random_stream: random.Random) -> str:
    rt, rw = random_stream.randint(1, 12), random_stream.randint(1, 8)
    if desa.kind == Desa.Kind.KELURAHAN:
        street = f"Jl. {random_stream.choice(STREETS)}"
        return f"{street} RT {rt:02d}/RW {rw:02d}, Kel. {desa.name} (alamat sintetis)"
    dusun = f"Dusun {random_stream.choice(DUSUN)}"
    return f"{dusun} RT {rt:02d}/RW {rw:02d}, Desa {desa.name} (alamat sintetis)"


def _set_voters(tps: list[TPS], random_stream: random.Random) -> None:
    """Kota Kediri's TPS add up to KPU's 220,807 exactly; the regency's are of similar size."""
    kota = [t for t in tps if t.desa.kecamatan.kabkota.code == KOTA_KEDIRI_CODE]
    for t in tps:
        t.registered_voters = random_stream.randint(*REGENCY_VOTER_RANGE)
    for t in kota:
        t.registered_voters = random_stream.randint(500, MAX_VOTERS)
    gap = KOTA_KEDIRI_VOTERS - sum(t.registered_voters for t in kota)
    while gap:
        step = 1 if gap > 0 else -1
        chosen = kota[random_stream.randrange(len(kota))]
        if MIN_VOTERS <= chosen.registered_voters + step <= MAX_VOTERS:
            chosen.registered_voters += step
            gap -= step


def _indicator_flags(tps: list[TPS], indicators: list[Indicator], random_stream: random.Random):
    """Flags that fit the class: a rawan TPS has 2–3, one of them a guard's concern; a sangat
    rawan TPS 4–6, with a security incident among them. Kurang rawan TPS carry none."""
    Through = TPS.indicators.through
    security = [i for i in indicators if i.variable == "Keamanan"]
    guard = [i for i in indicators if i.guard_relevant]
    flags = []
    for t in tps:
        if t.kerawanan == Kerawanan.RAWAN:
            chosen = {random_stream.choice(guard)}
            target = random_stream.randint(2, 3)
        elif t.kerawanan == Kerawanan.SANGAT_RAWAN:
            chosen = {random_stream.choice(security), random_stream.choice(guard)}
            target = random_stream.randint(4, 6)
        else:
            continue
        while len(chosen) < target:
            chosen.add(random_stream.choice(indicators))
        flags.extend(
            Through(tps_id=t.pk, indicator_id=i.pk) for i in sorted(chosen, key=lambda i: i.order)
        )
    return flags
