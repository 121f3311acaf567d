"""A synthetic operation of any size, in Kediri's proportions, for benchmarks.

Kediri 2024: 839 TPS, 576 Polri, 31 TNI, 2 Linmas per TPS; about 100 TPS a kecamatan and 8 a
desa; 95 % kurang rawan. At Polda Jatim scale that is 60,312 TPS and ~156,000 people; at national
scale 823,000 TPS. Rows are written in bulk with explicit primary keys (COPY on PostgreSQL), so
that a national operation builds in minutes and never sits in memory whole.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.core.management.color import no_style
from django.db import connection, transaction

from demo.synthetic_objects import Pool, synthetic_objects_create
from deployments.models import Assignment, Force, Personnel, SecurityPattern, Unit
from deployments.services import operation_create
from tps.models import TPS, Desa, KabKota, Kecamatan

TPS_PER_DESA = 8
DESA_PER_KECAMATAN = 13
KECAMATAN_PER_KABKOTA = 20
POLRI_PER_TPS = 576 / 839
TNI_PER_TPS = 31 / 839
CLASS_WEIGHTS = (("kurang_rawan", 0.95), ("rawan", 0.045), ("sangat_rawan", 0.005))
PATTERN = {"kurang_rawan": 4, "rawan": 2, "sangat_rawan": 1, "khusus": 1}  # TPS per Polri pair
CHUNK = 20_000


@dataclass
class SyntheticFigures:
    tps: int = 0
    desa: int = 0
    kecamatan: int = 0
    personnel: int = 0
    assignments: int = 0
    objects: int = 0
    object_duties: int = 0


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _copy_rows(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Insert rows fast: COPY on PostgreSQL, executemany elsewhere. Returns the row count."""
    table = model._meta.db_table if hasattr(model, "_meta") else model
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, CHUNK):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite takes max(rowid) + 1 by itself
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@transaction.atomic
def synthetic_operation_create(*, tps_count: int, seed: int = 2024) -> SyntheticFigures:
    """Build places, people, the pattern and the pemungutan assignments for `tps_count` TPS."""
    rng = random.Random(seed)  # noqa: S311 (reproducible synthetic data, not secrets)
    figures = SyntheticFigures(tps=tps_count)
    operation = operation_create(
        name=f"Operasi sintetis {tps_count} TPS",
        starts_on=date(2024, 8, 19),
        ends_on=date(2024, 12, 31),
    )
    pemungutan = operation.phases.get(code="pemungutan")
    for kerawanan, per_pair in PATTERN.items():
        SecurityPattern.objects.create(
            operation=operation,
            kerawanan=kerawanan,
            force=Force.POLRI,
            personnel_count=2,
            tps_count=per_pair,
        )
        SecurityPattern.objects.create(
            operation=operation,
            kerawanan=kerawanan,
            force=Force.LINMAS,
            personnel_count=2,
            tps_count=1,
        )

    desa_count = max(1, round(tps_count / TPS_PER_DESA))
    kecamatan_count = max(1, round(desa_count / DESA_PER_KECAMATAN))
    kabkota_count = max(1, round(kecamatan_count / KECAMATAN_PER_KABKOTA))
    figures.desa, figures.kecamatan = desa_count, kecamatan_count

    kabkota_ids = [
        KabKota.objects.create(
            code=f"{9000 + k:04d}", name=f"Kabupaten Sintetis {k + 1}", kind="kabupaten"
        ).pk
        for k in range(kabkota_count)
    ]
    first_kec = _next_id(Kecamatan)
    _copy_rows(
        Kecamatan,
        ["id", "kabkota_id", "code", "name"],
        (
            (
                first_kec + k,
                kabkota_ids[k % kabkota_count],
                f"{900000 + k:06d}",
                f"Kecamatan Sintetis {k + 1}",
            )
            for k in range(kecamatan_count)
        ),
    )
    first_desa = _next_id(Desa)
    _copy_rows(
        Desa,
        ["id", "kecamatan_id", "code", "name", "kind"],
        (
            (
                first_desa + d,
                first_kec + d % kecamatan_count,
                f"9{d:09d}",
                f"Desa Sintetis {d + 1}",
                "desa",
            )
            for d in range(desa_count)
        ),
    )

    # TPS: numbered per desa; the first TPS of every desa is its own, the rest spread evenly.
    tps_desa = [d % desa_count for d in range(tps_count)]
    numbers: dict[int, int] = {}
    classes = [c for c, _ in CLASS_WEIGHTS]
    weights = [w for _, w in CLASS_WEIGHTS]
    tps_rows, tps_class = [], []
    first_tps = _next_id(TPS)
    for t in range(tps_count):
        d = tps_desa[t]
        numbers[d] = numbers.get(d, 0) + 1
        kerawanan = rng.choices(classes, weights)[0]
        tps_class.append(kerawanan)
        lat = -7.0 - (d % 500) * 0.004 - rng.random() * 0.003
        lng = 111.0 + (d // 500) * 0.004 + rng.random() * 0.003
        tps_rows.append(
            (
                first_tps + t,
                first_desa + d,
                numbers[d],
                "",
                round(lat, 6),
                round(lng, 6),
                550,
                kerawanan,
                True,
            )
        )
    _copy_rows(
        TPS,
        [
            "id",
            "desa_id",
            "number",
            "address",
            "latitude",
            "longitude",
            "registered_voters",
            "kerawanan",
            "is_synthetic",
        ],
        tps_rows,
    )
    del tps_rows

    # Units: one Polres, a Polsek per kecamatan, a Koramil per kecamatan, a Satlinmas per desa.
    polres = Unit.objects.create(
        code="polres-sintetis", name="Polres Sintetis", force=Force.POLRI, kind="polres"
    )
    kodim = Unit.objects.create(
        code="kodim-sintetis", name="Kodim Sintetis", force=Force.TNI, kind="kodim"
    )
    first_unit = _next_id(Unit)
    unit_rows = []
    for k in range(kecamatan_count):
        unit_rows.append(
            (
                first_unit + k,
                f"polsek-s-{k}",
                f"Polsek Sintetis {k + 1}",
                Force.POLRI,
                "polsek",
                polres.pk,
                first_kec + k,
                None,
            )
        )
    koramil0 = first_unit + kecamatan_count
    for k in range(kecamatan_count):
        unit_rows.append(
            (
                koramil0 + k,
                f"koramil-s-{k}",
                f"Koramil Sintetis {k + 1}",
                Force.TNI,
                "koramil",
                kodim.pk,
                first_kec + k,
                None,
            )
        )
    satlinmas0 = koramil0 + kecamatan_count
    for d in range(desa_count):
        unit_rows.append(
            (
                satlinmas0 + d,
                f"satlinmas-s-{d}",
                f"Satlinmas Sintetis {d + 1}",
                Force.LINMAS,
                "satlinmas",
                None,
                None,
                first_desa + d,
            )
        )
    _copy_rows(
        Unit,
        ["id", "code", "name", "force", "kind", "parent_id", "kecamatan_id", "desa_id"],
        unit_rows,
    )

    # People: 2 Linmas per TPS from its desa; Polri and TNI in Kediri's proportions.
    polri_count = round(tps_count * POLRI_PER_TPS)
    tni_count = max(1, round(tps_count * TNI_PER_TPS))
    first_person = _next_id(Personnel)
    person_cols = [
        "id",
        "force",
        "unit_id",
        "rank",
        "corps",
        "identifier",
        "name",
        "phone",
        "home_desa_id",
        "active",
    ]

    def people() -> Iterator[tuple]:
        pid = first_person
        for p in range(polri_count):
            yield (
                pid,
                Force.POLRI,
                first_unit + p % kecamatan_count,
                "Bripka",
                "",
                f"{70000000 + p:08d}",
                f"Polri Sintetis {p + 1}",
                "",
                None,
                True,
            )
            pid += 1
        for p in range(tni_count):
            yield (
                pid,
                Force.TNI,
                koramil0 + p % kecamatan_count,
                "Serda",
                "Inf",
                f"3{p:010d}",
                f"TNI Sintetis {p + 1}",
                "",
                None,
                True,
            )
            pid += 1
        for t in range(tps_count):
            d = tps_desa[t]
            for i in range(2):
                yield (
                    pid,
                    Force.LINMAS,
                    satlinmas0 + d,
                    "",
                    "",
                    f"LS-{t:07d}-{i}",
                    f"Linmas Sintetis {t}-{i}",
                    "",
                    first_desa + d,
                    True,
                )
                pid += 1

    figures.personnel = _copy_rows(Personnel, person_cols, people())
    first_linmas = first_person + polri_count + tni_count

    # Assignments: Linmas pairs at every TPS; Polri pairs over 4/2/1 TPS per class while they last.
    first_assignment = _next_id(Assignment)
    # SQLite stores datetimes as UTC text: let the backend adapt them, as the ORM would.
    starts = connection.ops.adapt_datetimefield_value(pemungutan.starts_at)
    ends = connection.ops.adapt_datetimefield_value(pemungutan.ends_at)
    assignment_rows: list[tuple] = []
    link_rows: list[tuple] = []
    aid = first_assignment
    for t in range(tps_count):
        for i in range(2):
            assignment_rows.append(
                (
                    aid,
                    first_linmas + 2 * t + i,
                    pemungutan.pk,
                    "pam_tps",
                    None,
                    starts,
                    ends,
                    None,
                    "active",
                )
            )
            link_rows.append((aid, first_tps + t))
            aid += 1
    polri_free = polri_count
    person = first_person
    by_class: dict[str, list[int]] = {}
    for t, kerawanan in enumerate(tps_class):
        by_class.setdefault(kerawanan, []).append(first_tps + t)
    for kerawanan in ("sangat_rawan", "rawan", "kurang_rawan"):
        group = by_class.get(kerawanan, [])
        span = PATTERN[kerawanan]
        for start in range(0, len(group), span):
            if polri_free < 2:
                break
            for _ in range(2):
                assignment_rows.append(
                    (aid, person, pemungutan.pk, "pam_tps", None, starts, ends, None, "active")
                )
                link_rows.extend((aid, tps_id) for tps_id in group[start : start + span])
                aid += 1
                person += 1
                polri_free -= 1
    cols = [
        "id",
        "personnel_id",
        "phase_id",
        "kind",
        "post_id",
        "starts_at",
        "ends_at",
        "sprin_id",
        "status",
        "created_at",
        "updated_at",
        "linmas_other_desa",
        "linmas_other_desa_reason",
    ]
    figures.assignments = _copy_rows(
        Assignment, cols, ((*row, starts, starts, False, "") for row in assignment_rows)
    )
    through = Assignment.tps.through
    _copy_rows(through, ["assignment_id", "tps_id"], link_rows)
    # Guarded objects, their shifts and duties, from the Polri the TPS left and the TNI.
    figures.objects, figures.object_duties = synthetic_objects_create(
        operation=operation,
        pemungutan=pemungutan,
        kecamatan_ids=[first_kec + k for k in range(kecamatan_count)],
        kabkota_ids=kabkota_ids,
        # Each kecamatan's first desa (desa d lies in kecamatan d mod the count).
        desa_of_kecamatan={first_kec + k: first_desa + k for k in range(kecamatan_count)},
        polri=Pool(list(range(person, first_person + polri_count))),
        tni=Pool(list(range(first_person + polri_count, first_person + polri_count + tni_count))),
        copy_rows=_copy_rows,
        first_assignment=aid,
    )
    figures.assignments += figures.object_duties
    _reset_sequences([Kecamatan, Desa, TPS, Unit, Personnel, Assignment, through])
    return figures
