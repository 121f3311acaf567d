"""The demo's posts: the Posko, Pos Pam, patrols, logistics escorts, Padal and the reserve,
where each stands [est] and who serves there (read by demo/deployment.py's assignments)."""

from dataclasses import dataclass
from decimal import Decimal

from shapely.geometry import shape

from demo.forces import POLSEK_SIZES
from deployments.models import Post, PostKind
from tps.models import Desa

CADANGAN_POLRES = "Cadangan Polres Kediri Kota (Dalmas Sat Samapta)"
# Staff units: at the Polres Posko, not on TPS duty unless they have people to spare.
STAFF_UNITS = (
    "bag-ops",
    "bag-ren",
    "bag-sdm",
    "si-humas",
    "si-propam",
    "sat-intelkam",
    "sat-tahti",
)

# Where each kecamatan's PPK, Padal and escort are placed [est]: the desa/kelurahan that
# carries the kecamatan's name; for Kecamatan Kota, Kampung Dalem in the old town centre.
SECTOR_SEAT = {
    "357101": "3571011011",
    "357102": "3571021005",
    "357103": "3571031013",
    "350601": "3506012008",
    "350602": "3506022014",
    "350613": "3506132002",
    "350620": "3506202004",
    "350622": "3506222001",
}
POS_PAM_DESA = ("3571011001", "3571021014", "3571031003", "3506222004")


@dataclass
class PostPlan:
    """A post and who serves there: named roles, NCOs drawn from units, and "home" units whose
    remaining officers serve here too."""

    kind: str
    name: str
    desa: Desa | None
    address: str
    window: str
    sprin: str
    with_point: bool = True
    polri_roles: tuple[str, ...] = ()
    ncos: int = 0
    nco_units: tuple[str, ...] = ()
    officer_home_of: tuple[str, ...] = ()
    tni_roles: tuple[str, ...] = ()


def post_plans(desa_by_code: dict[str, Desa]) -> list[PostPlan]:
    """Every post of the demo, in the order they are staffed."""
    plans = [
        PostPlan(
            kind=PostKind.POSKO,
            name="Posko Ops Polres Kediri Kota",
            desa=None,
            address="Mako Polres Kediri Kota",
            window="posko",
            sprin="posko",
            with_point=False,
            polri_roles=(
                *("kapolres", "wakapolres", "kabag-ops", "kabag-ren", "kabag-sdm"),
                *("kasat-intelkam", "kasat-tahti", "kasi-humas", "kasi-propam"),
            ),
            ncos=8,
            nco_units=STAFF_UNITS,
            officer_home_of=STAFF_UNITS,
            tni_roles=("dandim", "pasiops"),
        ),
        PostPlan(
            kind=PostKind.POSKO,
            name="Posko KPU Kota Kediri",
            desa=None,
            address="Kantor KPU Kota Kediri",
            window="posko",
            sprin="posko",
            with_point=False,
            polri_roles=("kasat-binmas",),
            ncos=3,
            nco_units=("sat-binmas", "sat-intelkam"),
            officer_home_of=("sat-binmas",),
            tni_roles=("pasintel",),
        ),
        PostPlan(
            kind=PostKind.POSKO,
            name="Posko Bawaslu Kota Kediri (Sentra Gakkumdu)",
            desa=None,
            address="Kantor Bawaslu Kota Kediri",
            window="posko",
            sprin="posko",
            with_point=False,
            polri_roles=("kasat-reskrim",),
            ncos=2,
            nco_units=("sat-reskrim",),
            officer_home_of=("sat-reskrim",),
        ),
        PostPlan(
            kind=PostKind.POSKO,
            name="Posko Gudang Logistik KPU Kota Kediri",
            desa=None,
            address="Gudang logistik KPU Kota Kediri",
            window="posko",
            sprin="posko",
            with_point=False,
            polri_roles=("kabag-log", "kasat-pamobvit"),
            ncos=3,
            nco_units=("sat-pamobvit", "bag-log"),
            officer_home_of=("bag-log", "sat-pamobvit"),
            tni_roles=("pasiter",),
        ),
    ]
    sectors, patrols, escorts, padal = [], [], [], []
    for code in POLSEK_SIZES:
        seat = desa_by_code[SECTOR_SEAT[code]]
        name = seat.kecamatan.name
        route = sorted(
            (d for d in desa_by_code.values() if d.kecamatan.code == code), key=lambda d: d.code
        )
        stops = route[:: max(1, len(route) // 4)][:4]
        sectors.append(
            PostPlan(
                kind=PostKind.POSKO,
                name=f"Posko PPK {name}",
                desa=seat,
                address=f"Sekretariat PPK {name} (titik perkiraan: tengah {_label(seat)})",
                window="posko",
                sprin="posko",
                polri_roles=(f"wakapolsek-{code}", f"kanit-{code}"),
                ncos=1,
                nco_units=(f"polsek-{code}",),
                tni_roles=(f"danramil-{code}",),
            )
        )
        patrols.append(
            PostPlan(
                kind=PostKind.PATROLI,
                name=f"Patroli Sektor {name}",
                desa=seat,
                address="Rute: " + " – ".join(d.name for d in stops),
                window="lapangan",
                sprin="pospam-patroli",
                with_point=False,
                ncos=2,
                nco_units=("sat-samapta",),
                tni_roles=(f"babinsa-{code}-1",),
            )
        )
        escorts.append(
            PostPlan(
                kind=PostKind.PENGAWALAN_LOGISTIK,
                name=f"Pengawalan logistik PPK {name}",
                desa=seat,
                address=f"Gudang KPU – PPK {name} – PPS – TPS, dan kembali ke PPK",
                window="logistik",
                sprin="logistik",
                with_point=False,
                polri_roles=("kasat-lantas",) if not escorts else (),
                ncos=2,
                nco_units=("sat-lantas",),
                tni_roles=(f"babinsa-{code}-2",),
            )
        )
        padal.append(
            PostPlan(
                kind=PostKind.PADAL,
                name=f"Padal Sektor {name}",
                desa=seat,
                address=f"Perwira pengendali sektor {name}, berkedudukan di Posko PPK {name}",
                window="posko",
                sprin="padal-cadangan",
                with_point=False,
                polri_roles=(f"kapolsek-{code}",),
            )
        )
    pos_pam = [
        PostPlan(
            kind=PostKind.POS_PAM,
            name=f"Pos Pam {_label(desa)}",
            desa=desa,
            address=f"{_label(desa)}, Kec. {desa.kecamatan.name} (titik perkiraan)",
            window="lapangan",
            sprin="pospam-patroli",
            # The Kasat Resnarkoba leads the first Pos Pam; an Aiptu or Bripka the others.
            polri_roles=("kasat-resnarkoba",) if n == 0 else (),
            ncos=2 if n == 0 else 3,
            nco_units=("sat-resnarkoba", "sat-samapta"),
        )
        for n, desa in enumerate(desa_by_code[code] for code in POS_PAM_DESA)
    ]
    reserve = [
        PostPlan(
            kind=PostKind.CADANGAN,
            name=CADANGAN_POLRES,
            desa=None,
            address="Mako Polres Kediri Kota",
            window="posko",
            sprin="padal-cadangan",
            with_point=False,
            polri_roles=("kasat-samapta",),
            ncos=11,
            nco_units=("sat-samapta",),
            officer_home_of=("sat-samapta", "sat-lantas", "sat-resnarkoba"),
        ),
        PostPlan(
            kind=PostKind.CADANGAN,
            name="Cadangan Kodim 0809/Kediri",
            desa=None,
            address="Makodim 0809/Kediri",
            window="posko",
            sprin="padal-cadangan",
            with_point=False,
            tni_roles=("kasdim", "staf-kodim-1", "staf-kodim-2"),
        ),
    ]
    return [*plans, *sectors, *pos_pam, *patrols, *escorts, *padal, *reserve]


def _label(desa: Desa) -> str:
    return f"{'Kel.' if desa.kind == Desa.Kind.KELURAHAN else 'Desa'} {desa.name}"


def posts_create(plans: list[PostPlan]) -> dict[str, Post]:
    posts = []
    for plan in plans:
        lat = lng = None
        if plan.with_point and plan.desa is not None and plan.desa.boundary:
            point = shape(plan.desa.boundary).representative_point()
            lat, lng = Decimal(f"{point.y:.6f}"), Decimal(f"{point.x:.6f}")
        posts.append(
            Post(
                kind=plan.kind,
                name=plan.name,
                desa=plan.desa,
                address=plan.address,
                latitude=lat,
                longitude=lng,
            )
        )
    Post.objects.bulk_create(posts)
    return {post.name: post for post in posts}
