"""An operation of any size in Kediri's proportions, written in bulk, for the query budgets.

Kediri: about 100 TPS a kecamatan and 8 a desa, 95 % kurang rawan, two Linmas of the desa at
every TPS, a Polri pair over four TPS while the Polri last (576 for 839 TPS). The first
kecamatan is Mojoroto (357101), so the Polsek persona of conftest.py reads part of it.
"""

from decimal import Decimal

from deployments.models import Assignment, Force, Personnel, Phase, PostKind, Unit
from tps.models import TPS, Desa, KabKota, Kecamatan, Kerawanan

TPS_PER_DESA = 8
TPS_PER_KECAMATAN = 100


def operation_of_size(tps_count: int, phase: Phase) -> list[TPS]:
    kabkota, _ = KabKota.objects.get_or_create(
        code="3571", defaults={"name": "Kota Kediri", "kind": KabKota.Kind.KOTA}
    )
    kecamatan_count = max(1, round(tps_count / TPS_PER_KECAMATAN))
    desa_count = max(kecamatan_count, round(tps_count / TPS_PER_DESA))
    kecamatan = [
        Kecamatan.objects.get_or_create(
            code=f"{357101 + k:06d}",
            defaults={"kabkota": kabkota, "name": f"Kecamatan {k + 1:03d}"},
        )[0]
        for k in range(kecamatan_count)
    ]
    desa = Desa.objects.bulk_create(
        Desa(
            kecamatan=kecamatan[d % kecamatan_count],
            code=f"{kecamatan[d % kecamatan_count].code}{2001 + d // kecamatan_count:04d}",
            name=f"Desa {d + 1:04d}",
            kind=Desa.Kind.DESA,
        )
        for d in range(desa_count)
    )
    classes = [Kerawanan.KURANG_RAWAN] * 19 + [Kerawanan.RAWAN]
    numbers: dict[int, int] = {}
    stations = []
    for t in range(tps_count):
        d = t % desa_count
        numbers[d] = numbers.get(d, 0) + 1
        stations.append(
            TPS(
                desa=desa[d],
                number=numbers[d],
                latitude=Decimal(f"{-7.95 + (t % 97) * 0.0025:.6f}"),
                longitude=Decimal(f"{111.85 + (t % 101) * 0.0025:.6f}"),
                registered_voters=300 + t % 300,
                kerawanan=classes[t % len(classes)],
                is_synthetic=True,
            )
        )
    stations = TPS.objects.bulk_create(stations)
    Unit.objects.bulk_create(
        Unit(
            code=f"polsek-{k.code}",
            name=f"Polsek {k.name}",
            force=Force.POLRI,
            kind=Unit.Kind.POLSEK,
            kecamatan=k,
        )
        for k in kecamatan
        if not Unit.objects.filter(kind=Unit.Kind.POLSEK, kecamatan=k).exists()
    )
    polsek = {u.kecamatan_id: u for u in Unit.objects.polsek()}
    satlinmas = Unit.objects.bulk_create(
        Unit(
            code=f"satlinmas-{x.code}",
            name=f"Satlinmas {x.name}",
            force=Force.LINMAS,
            kind=Unit.Kind.SATLINMAS,
            desa=x,
        )
        for x in desa
    )
    unit_of_desa = {u.desa_id: u for u in satlinmas}
    linmas = Personnel.objects.bulk_create(
        Personnel(
            force=Force.LINMAS,
            unit=unit_of_desa[station.desa_id],
            identifier=f"LM-B-{t:07d}-{i}",
            name=f"Linmas {t}-{i}",
            home_desa_id=station.desa_id,
        )
        for t, station in enumerate(stations)
        for i in range(2)
    )
    polri_count = round(tps_count * 576 / 839)
    polri = Personnel.objects.bulk_create(
        Personnel(
            force=Force.POLRI,
            unit=polsek[kecamatan[p % kecamatan_count].pk],
            rank="Bripka",
            identifier=f"{71000000 + p:08d}",
            name=f"Polri {p}",
        )
        for p in range(polri_count)
    )
    window = {"phase": phase, "starts_at": phase.starts_at, "ends_at": phase.ends_at}
    duties: list[tuple[Personnel, list[TPS]]] = [
        (guard, [stations[i // 2]]) for i, guard in enumerate(linmas)
    ]
    for pair in range(min(len(polri) // 2, (tps_count + 3) // 4)):
        for guard in polri[2 * pair : 2 * pair + 2]:
            duties.append((guard, stations[4 * pair : 4 * pair + 4]))
    assignments = Assignment.objects.bulk_create(
        Assignment(personnel=guard, kind=PostKind.PAM_TPS, **window) for guard, _ in duties
    )
    Assignment.tps.through.objects.bulk_create(
        Assignment.tps.through(assignment_id=a.pk, tps_id=station.pk)
        for a, (_, guarded) in zip(assignments, duties, strict=True)
        for station in guarded
    )
    return stations
