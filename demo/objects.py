"""The demo's guarded objects (obyek pengamanan, issue #18) and their guard norms: the KPU and
Bawaslu offices of Kota and Kabupaten Kediri, the 8 PPK of the wilkum during the recount, the
KPU Kota's logistics warehouse until distribution, and the personal escorts (Walpri) of the
candidates of the Pilwali Kota Kediri and the Pilbup Kediri.

The kinds of object and the norms follow the issue; the periods, the places and the norms'
figures are our estimates [est], and the candidates' names are synthetic (said so in the
name and in `protectee`, which the dashboard shows). Shifts and duties come from the rotation
generator, not from here: until it runs, every object is "tanpa penjaga" on the panel.
"""

from dataclasses import dataclass

from demo.common import wib
from demo.forces import POLSEK_SIZES
from demo.posts import SECTOR_SEAT
from deployments.models import Force, GuardNorm, Operation, Post, PostKind
from tps.models import Desa

# The recount at the PPK [est]: the ballot boxes arrive from the PPS on the afternoon of the
# vote, the kecamatan recapitulation runs until 3 December (PKPU 2/2024: 28 Nov – 3 Dec).
PPK_FROM, PPK_UNTIL = wib(11, 27, 15), wib(12, 4)
# The warehouse holds the ballots until they are sent to the PPK and PPS, H-1 at noon [est].
WAREHOUSE_FROM, WAREHOUSE_UNTIL = wib(10, 15), wib(11, 26, 12)
# Escorts from the day the candidates were fixed (22 Sep) to the end of the operation [est];
# in earnest until the inauguration, after the operation.
WALPRI_FROM = wib(9, 22)

# Personnel per shift [est], after the issue: PPK ~15 Polri during the recount; the offices 2
# Polri and 1 TNI round the clock; the warehouse at least 4; 2 escorts per protectee.
NORMS = (
    (PostKind.PPK, Force.POLRI, 15),
    (PostKind.KANTOR_KPU, Force.POLRI, 2),
    (PostKind.KANTOR_KPU, Force.TNI, 1),
    (PostKind.KANTOR_BAWASLU, Force.POLRI, 2),
    (PostKind.KANTOR_BAWASLU, Force.TNI, 1),
    (PostKind.GUDANG_LOGISTIK, Force.POLRI, 4),
    (PostKind.WALPRI, Force.POLRI, 2),
)

OFFICES = (
    (PostKind.KANTOR_KPU, "Kantor KPU Kota Kediri"),
    (PostKind.KANTOR_KPU, "Kantor KPU Kabupaten Kediri"),
    (PostKind.KANTOR_BAWASLU, "Kantor Bawaslu Kota Kediri"),
    (PostKind.KANTOR_BAWASLU, "Kantor Bawaslu Kabupaten Kediri"),
)
WAREHOUSE = "Gudang Logistik KPU Kota Kediri"
# Two pairs in each contest [est]; the people are synthetic.
CONTESTS = (("Pilwali Kota Kediri", "Wali Kota"), ("Pilbup Kediri", "Bupati"))
PAIRS = 2


@dataclass
class ObjectFigures:
    objects: int = 0
    norms: int = 0
    walpri: int = 0


def _walpri() -> list[Post]:
    escorts = []
    for contest, office in CONTESTS:
        for number in range(1, PAIRS + 1):
            for role in (office, f"Wakil {office}"):
                escorts.append(
                    Post(
                        kind=PostKind.WALPRI,
                        name=f"Walpri Calon {role} No. {number} ({contest})",
                        protectee=f"Calon {role} nomor urut {number}, {contest} (nama sintetis)",
                        address="Mengikuti yang dikawal (data sintetis)",
                        active_from=WALPRI_FROM,
                    )
                )
    return escorts


def guarded_object_names(desa_by_code: dict[str, Desa]) -> list[str]:
    """The names of the demo's objects, for demo_delete."""
    return [post.name for post in guarded_object_posts(desa_by_code)]


def guarded_object_posts(desa_by_code: dict[str, Desa]) -> list[Post]:
    """The demo's guarded objects, unsaved."""
    posts = [
        Post(
            kind=kind,
            name=name,
            address=f"{name} (alamat dan titik tidak dimuat: perkiraan)",
        )
        for kind, name in OFFICES
    ]
    posts.append(
        Post(
            kind=PostKind.GUDANG_LOGISTIK,
            name=WAREHOUSE,
            address="Gudang logistik KPU Kota Kediri (alamat tidak dimuat: perkiraan)",
            active_from=WAREHOUSE_FROM,
            active_until=WAREHOUSE_UNTIL,
        )
    )
    for code in POLSEK_SIZES:
        seat = desa_by_code[SECTOR_SEAT[code]]
        name = seat.kecamatan.name
        posts.append(
            Post(
                kind=PostKind.PPK,
                name=f"PPK {name}",
                desa=seat,
                address=f"Sekretariat PPK {name}, tempat rekapitulasi kecamatan (perkiraan)",
                active_from=PPK_FROM,
                active_until=PPK_UNTIL,
            )
        )
    return [*posts, *_walpri()]


def guarded_objects_create(operation: Operation, desa_by_code: dict[str, Desa]) -> ObjectFigures:
    """Bulk-created, as the rest of the seed: the seed's recompute at its end counts them."""
    posts = Post.objects.bulk_create(guarded_object_posts(desa_by_code))
    norms = GuardNorm.objects.bulk_create(
        GuardNorm(operation=operation, post_kind=kind, force=force, personnel_per_shift=count)
        for kind, force, count in NORMS
    )
    return ObjectFigures(
        objects=len(posts),
        norms=len(norms),
        walpri=sum(post.kind == PostKind.WALPRI for post in posts),
    )
