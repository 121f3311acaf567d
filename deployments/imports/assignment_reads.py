"""What the assignment import reads of a sheet before its rows: the span of its windows (the
stored duties that can matter lie inside) and the TPS its rows name."""

import contextlib
from datetime import datetime, timedelta

from deployments.imports.cells import CellError, cell_code, cell_int, parse_moment
from deployments.services.assignments_reads import among
from tps.models import TPS, Desa


def rows_span(dataset) -> tuple[datetime, datetime] | None:
    """From the earliest start to the latest end the rows give, and past the latest start:
    every row's window lies inside, and so does the start of every stored duty a row names
    (its key). None when no row has a readable start (then no window is checked)."""
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in zip(dataset["Mulai"], dataset["Selesai"], strict=True):
        try:
            starts.append(parse_moment(start))
        except CellError:
            continue
        with contextlib.suppress(CellError):
            ends.append(parse_moment(end, end=True))
    if not starts:
        return None
    return min(starts), max([*ends, max(starts) + timedelta(seconds=1)])


def tps_named(dataset, desa_by_code: dict[str, Desa]) -> dict[tuple[str, int], TPS]:
    """The TPS the rows name, by (desa code, number), each with its desa: the desa's TPS
    are listed as bare numbers first, and only those named are read as rows (a roster of
    2,285 duties names a quarter of the 9,000 TPS of its 1,100 desa)."""
    named: set[tuple[str, int]] = set()
    for codes, numbers in zip(dataset["Kode Desa"], dataset["No. TPS"], strict=True):
        for raw_code, raw_number in zip(codes, numbers, strict=True):
            try:
                number = cell_int(raw_number, low=1, high=999, strip_prefix="TPS")
            except CellError:
                continue  # read_tps says why
            named.add((cell_code(raw_code), number))
    desa_by_id = {d.pk: d for d in desa_by_code.values()}
    wanted: list[int] = []
    listing = TPS.objects.order_by().values_list("pk", "desa_id", "number")
    for part in among(listing, "desa_id", sorted(desa_by_id)):
        wanted += [pk for pk, desa, number in part if (desa_by_id[desa].code, number) in named]
    found: dict[tuple[str, int], TPS] = {}
    for part in among(TPS.objects.order_by(), "pk", sorted(wanted)):
        for tps in part:
            desa = desa_by_id[tps.desa_id]
            tps.desa = desa
            found[(desa.code, tps.number)] = tps
    return found
