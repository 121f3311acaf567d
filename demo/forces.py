"""The demo's units and its 2,285 people: 576 Polri, 31 TNI and 1,678 Linmas (the article).

Unit structure follows DOMAIN.md. How the 576 split over the units, their ranks, and every
name, NRP and phone number are synthetic [est]; the Kapolres and the Dandim are the real
officials named in the article (with a synthetic NRP and no phone number).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from demo.common import rng
from demo.names import NameBook, phone_number
from deployments.models import Force, Personnel, Unit
from tps.models import TPS, Desa, Kecamatan

POLRES_CODE = "polres-kediri-kota"
KODIM_CODE = "kodim-0809"

# Polres Kediri Kota's staff and function units, with how many of the 576 each puts into the
# operation [est]. The 8 Polsek share the rest (POLSEK_SIZES).
POLRES_UNITS: tuple[tuple[str, str, str, int], ...] = (
    # key, name, kind, people
    ("bag-ops", "Bag Ops", Unit.Kind.BAG, 20),
    ("bag-ren", "Bag Ren", Unit.Kind.BAG, 8),
    ("bag-sdm", "Bag SDM", Unit.Kind.BAG, 10),
    ("bag-log", "Bag Log", Unit.Kind.BAG, 8),
    ("sat-intelkam", "Sat Intelkam", Unit.Kind.SAT, 25),
    ("sat-reskrim", "Sat Reskrim", Unit.Kind.SAT, 35),
    ("sat-resnarkoba", "Sat Resnarkoba", Unit.Kind.SAT, 15),
    ("sat-binmas", "Sat Binmas", Unit.Kind.SAT, 15),
    ("sat-samapta", "Sat Samapta", Unit.Kind.SAT, 80),
    ("sat-lantas", "Sat Lantas", Unit.Kind.SAT, 55),
    ("sat-pamobvit", "Sat Pamobvit", Unit.Kind.SAT, 15),
    ("sat-tahti", "Sat Tahti", Unit.Kind.SAT, 8),
    ("si-humas", "Si Humas", Unit.Kind.SI, 6),
    ("si-propam", "Si Propam", Unit.Kind.SI, 10),
)
POLRES_LEADERSHIP = 2  # Kapolres and Wakapolres, in the Polres unit itself
# Polsek people by kecamatan [est], roughly in proportion to the kecamatan's TPS.
POLSEK_SIZES = {
    "357101": 48,
    "357102": 39,
    "357103": 39,
    "350601": 24,
    "350602": 36,
    "350613": 22,
    "350620": 30,
    "350622": 26,
}
# Koramil of Kodim 0809/Kediri per kecamatan. 0809/03 Mojoroto and 0809/05 Grogol are named in
# DOMAIN.md; the other numbers are placeholders [est].
KORAMIL_NUMBERS = {
    "357102": "01",
    "357103": "02",
    "357101": "03",
    "350601": "04",
    "350613": "05",
    "350602": "06",
    "350620": "07",
    "350622": "08",
}

# Polri ranks of the 576 [est]: a pyramid, most people Bripda–Aiptu and 62 officers.
POLRI_RANK_COUNTS = {
    "AKBP": 1,
    "Kompol": 4,
    "AKP": 16,
    "Iptu": 18,
    "Ipda": 23,
    "Aiptu": 70,
    "Aipda": 80,
    "Bripka": 95,
    "Brigpol": 90,
    "Briptu": 85,
    "Bripda": 94,
}
POLRI_OFFICER_RANKS = frozenset({"Ipda", "Iptu", "AKP", "Kompol", "AKBP", "Kombes Pol"})
# Birth years by rank, for NRPs that look like Polri's (YYMM of birth + a 4-digit number).
BIRTH_YEARS = {
    "AKBP": (1978, 1984),
    "Kompol": (1975, 1986),
    "AKP": (1972, 1988),
    "Iptu": (1970, 1990),
    "Ipda": (1968, 1996),
    "Aiptu": (1968, 1976),
    "Aipda": (1974, 1982),
    "Bripka": (1980, 1988),
    "Brigpol": (1986, 1993),
    "Briptu": (1992, 1998),
    "Bripda": (1997, 2004),
}
# The officers who lead a unit, by role: (role, unit key, rank). Kapolsek/Wakapolsek/Kanit are
# added per kecamatan in _polri_heads().
POLRES_HEADS = (
    ("kapolres", "", "AKBP"),
    ("wakapolres", "", "Kompol"),
    ("kabag-ops", "bag-ops", "Kompol"),
    ("kabag-ren", "bag-ren", "Kompol"),
    ("kabag-sdm", "bag-sdm", "Kompol"),
    ("kabag-log", "bag-log", "AKP"),
    ("kasat-intelkam", "sat-intelkam", "AKP"),
    ("kasat-reskrim", "sat-reskrim", "AKP"),
    ("kasat-resnarkoba", "sat-resnarkoba", "AKP"),
    ("kasat-binmas", "sat-binmas", "AKP"),
    ("kasat-samapta", "sat-samapta", "AKP"),
    ("kasat-lantas", "sat-lantas", "AKP"),
    ("kasat-pamobvit", "sat-pamobvit", "AKP"),
    ("kasat-tahti", "sat-tahti", "AKP"),
    ("kasi-humas", "si-humas", "Iptu"),
    ("kasi-propam", "si-propam", "AKP"),
)
# Kapolsek rank: AKP in the city and the larger regency sectors, Iptu in the smaller ones.
KAPOLSEK_IPTU = frozenset({"350620", "350622"})
# The remaining officers (Kanit, Kasubbag, Paur) of the Polres units [est].
OTHER_OFFICERS = {
    "bag-ops": 3,
    "bag-ren": 1,
    "bag-sdm": 1,
    "bag-log": 1,
    "sat-intelkam": 2,
    "sat-reskrim": 3,
    "sat-resnarkoba": 1,
    "sat-binmas": 1,
    "sat-samapta": 4,
    "sat-lantas": 3,
    "sat-pamobvit": 1,
    "si-propam": 1,
}
POLWAN_SHARE = 0.07
LINMAS_WOMEN_SHARE = 0.03
LINMAS_PHONE_SHARE = 0.55

# Kodim 0809/Kediri: 7 at the Kodim and 3 in each of the 8 Koramil = 31 (the article).
KODIM_PEOPLE = (
    # role, rank, corps
    ("dandim", "Letkol", "Inf"),
    ("kasdim", "Mayor", "Inf"),
    ("pasiops", "Kapten", "Inf"),
    ("pasintel", "Kapten", "Inf"),
    ("pasiter", "Kapten", "Arh"),
    ("staf-kodim-1", "Serma", ""),
    ("staf-kodim-2", "Sertu", ""),
)
BABINSA_RANKS = ("Pelda", "Serma", "Serka", "Sertu", "Serda", "Kopda")
TNI_OFFICER_RANKS = frozenset({"Letda", "Lettu", "Kapten", "Mayor", "Letkol", "Kolonel"})

KAPOLRES_NAME = "Bramastyo Priaji"
DANDIM_NAME = "Aris Setiawan"


@dataclass
class Roster:
    """Everyone in the demo, unsaved until `personnel_save`, and how to find them."""

    units: dict[str, Unit]
    people: list[Personnel] = field(default_factory=list)
    polri_by_unit: dict[str, list[Personnel]] = field(default_factory=lambda: defaultdict(list))
    by_role: dict[str, Personnel] = field(default_factory=dict)
    linmas_by_desa: dict[str, list[Personnel]] = field(default_factory=lambda: defaultdict(list))


def is_officer(person: Personnel) -> bool:
    return person.rank in POLRI_OFFICER_RANKS or person.rank in TNI_OFFICER_RANKS


def units_create(kecamatan: list[Kecamatan], desa: list[Desa]) -> dict[str, Unit]:
    """The unit tree, keyed by code: Polres → Bag/Sat/Si/Polsek, Kodim → Koramil, Satlinmas."""
    by_code = {k.code: k for k in kecamatan}
    polres = Unit(
        code=POLRES_CODE, name="Polres Kediri Kota", force=Force.POLRI, kind=Unit.Kind.POLRES
    )
    kodim = Unit(code=KODIM_CODE, name="Kodim 0809/Kediri", force=Force.TNI, kind=Unit.Kind.KODIM)
    Unit.objects.bulk_create([polres, kodim])

    children = [
        Unit(code=f"{POLRES_CODE}-{key}", name=name, force=Force.POLRI, kind=kind, parent=polres)
        for key, name, kind, _size in POLRES_UNITS
    ]
    children += [
        Unit(
            code=f"polsek-{code}",
            name=f"Polsek {by_code[code].name}",
            force=Force.POLRI,
            kind=Unit.Kind.POLSEK,
            parent=polres,
            kecamatan=by_code[code],
        )
        for code in POLSEK_SIZES
    ]
    children += [
        Unit(
            code=f"koramil-0809-{number}",
            name=f"Koramil 0809/{number} {by_code[code].name}",
            force=Force.TNI,
            kind=Unit.Kind.KORAMIL,
            parent=kodim,
            kecamatan=by_code[code],
        )
        for code, number in KORAMIL_NUMBERS.items()
    ]
    # Two desa share the name Blimbing (Mojo and Tarokan): their Satlinmas name the kecamatan.
    names = [d.name for d in desa]

    def satlinmas_name(d: Desa) -> str:
        return f"Satlinmas {d.name}" + (f" ({d.kecamatan.name})" if names.count(d.name) > 1 else "")

    children += [
        Unit(
            code=f"satlinmas-{d.code}",
            name=satlinmas_name(d),
            force=Force.LINMAS,
            kind=Unit.Kind.SATLINMAS,
            desa=d,
        )
        for d in desa
    ]
    Unit.objects.bulk_create(children)
    return {u.code: u for u in [polres, kodim, *children]}


def unit_key(unit: Unit) -> str:
    """'sat-samapta' for a Polres unit, 'polsek-357101' for a Polsek, the code otherwise."""
    return unit.code.removeprefix(f"{POLRES_CODE}-")


def roster_build(units: dict[str, Unit], tps: list[TPS]) -> Roster:
    """Everyone's rank, unit, identifier, name and phone, deterministically; nothing saved."""
    roster = Roster(units=units)
    names = NameBook(rng("names"), taken={KAPOLRES_NAME, DANDIM_NAME})
    identifiers = _Identifiers(rng("identifiers"))
    phones = rng("phones")
    _polri(roster, names, identifiers, phones)
    _tni(roster, names, identifiers, phones)
    _linmas(roster, tps, names, phones)
    return roster


def personnel_save(roster: Roster) -> None:
    Personnel.objects.bulk_create(roster.people, batch_size=500)


def _polri(roster: Roster, names: NameBook, identifiers: "_Identifiers", phones) -> None:
    people = rng("polri")
    polres = roster.units[POLRES_CODE]
    ranks = dict(POLRI_RANK_COUNTS)
    slots: list[tuple[str, Unit, str]] = []  # (role or "", unit, rank), one per person

    for role, key, rank in _polri_heads():
        if not key:
            unit = polres
        elif key.startswith("polsek-"):
            unit = roster.units[key]
        else:
            unit = roster.units[f"{POLRES_CODE}-{key}"]
        ranks[rank] -= 1
        slots.append((role, unit, rank))
    officer_pool = [rank for rank in ("Iptu", "Ipda") for _ in range(ranks[rank])]
    ranks["Iptu"] = ranks["Ipda"] = 0
    people.shuffle(officer_pool)
    for key, count in OTHER_OFFICERS.items():
        for _ in range(count):
            slots.append(("", roster.units[f"{POLRES_CODE}-{key}"], officer_pool.pop()))
    assert not officer_pool and not any(ranks[r] for r in POLRI_OFFICER_RANKS if r in ranks)

    taken = defaultdict(int)
    for _role, unit, _rank in slots:
        taken[unit.code] += 1
    nco_ranks = [rank for rank, count in ranks.items() for _ in range(count)]
    people.shuffle(nco_ranks)
    sizes = {POLRES_CODE: POLRES_LEADERSHIP}
    sizes |= {f"{POLRES_CODE}-{key}": size for key, _name, _kind, size in POLRES_UNITS}
    sizes |= {f"polsek-{code}": size for code, size in POLSEK_SIZES.items()}
    for code, size in sizes.items():
        for _ in range(size - taken[code]):
            slots.append(("", roster.units[code], nco_ranks.pop()))
    assert not nco_ranks

    for role, unit, rank in slots:
        female = role != "kapolres" and people.random() < POLWAN_SHARE
        person = Personnel(
            force=Force.POLRI,
            unit=unit,
            rank=rank,
            identifier=identifiers.polri(rank),
            name=KAPOLRES_NAME if role == "kapolres" else names.name(female=female),
            # The Kapolres is a real person: the demo invents no phone number for him.
            phone="" if role == "kapolres" else phone_number(phones),
        )
        roster.people.append(person)
        roster.polri_by_unit[unit_key(unit)].append(person)
        if role:
            roster.by_role[role] = person


def _polri_heads():
    yield from POLRES_HEADS
    for code in POLSEK_SIZES:
        yield f"kapolsek-{code}", f"polsek-{code}", "Iptu" if code in KAPOLSEK_IPTU else "AKP"
        yield f"wakapolsek-{code}", f"polsek-{code}", "Iptu"
        yield f"kanit-{code}", f"polsek-{code}", "Ipda"


def _tni(roster: Roster, names: NameBook, identifiers: "_Identifiers", phones) -> None:
    people = rng("tni")
    kodim = roster.units[KODIM_CODE]
    slots = [(role, kodim, rank, corps) for role, rank, corps in KODIM_PEOPLE]
    for code, number in KORAMIL_NUMBERS.items():
        koramil = roster.units[f"koramil-0809-{number}"]
        # City Koramil have a Kapten as Danramil, the regency ones a Kapten or a Lettu.
        danramil = "Kapten" if code.startswith("3571") or people.random() < 0.5 else "Lettu"
        slots.append((f"danramil-{code}", koramil, danramil, "Inf"))
        for n in (1, 2):
            slots.append((f"babinsa-{code}-{n}", koramil, people.choice(BABINSA_RANKS), ""))
    for role, unit, rank, corps in slots:
        person = Personnel(
            force=Force.TNI,
            unit=unit,
            rank=rank,
            corps=corps,
            identifier=identifiers.tni(rank),
            name=DANDIM_NAME if role == "dandim" else names.name(),
            # The Dandim is a real person: the demo invents no phone number for him.
            phone="" if role == "dandim" else phone_number(phones),
        )
        roster.people.append(person)
        roster.by_role[role] = person


def _linmas(roster: Roster, tps: list[TPS], names: NameBook, phones) -> None:
    """Two Linmas per TPS, from the Satlinmas of the TPS's own desa (the national rule)."""
    people = rng("linmas")
    tps_per_desa: dict[str, int] = defaultdict(int)
    desa_by_code = {}
    for t in tps:
        tps_per_desa[t.desa.code] += 1
        desa_by_code[t.desa.code] = t.desa
    for code, count in tps_per_desa.items():
        unit = roster.units[f"satlinmas-{code}"]
        for n in range(1, 2 * count + 1):
            person = Personnel(
                force=Force.LINMAS,
                unit=unit,
                identifier=f"LM-{code}-{n:02d}",
                name=names.name(female=people.random() < LINMAS_WOMEN_SHARE, mononym_share=0.12),
                home_desa=desa_by_code[code],
                phone=phone_number(phones) if people.random() < LINMAS_PHONE_SHARE else "",
            )
            roster.people.append(person)
            roster.linmas_by_desa[code].append(person)


class _Identifiers:
    """NRPs unique across forces: Polri 8 digits (YYMM of birth + 4), TNI 11 digits.

    The two patterns never collide, and Linmas register numbers ("LM-…") contain letters, so a
    login name (the identifier) is never shared by two people.
    """

    def __init__(self, random_stream) -> None:
        self._random = random_stream
        self._used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._used:
                self._used.add(value)
                return value

    def polri(self, rank: str) -> str:
        low, high = BIRTH_YEARS[rank]

        def make() -> str:
            year, month = self._random.randint(low, high), self._random.randint(1, 12)
            return f"{year % 100:02d}{month:02d}{self._random.randrange(10_000):04d}"

        return self._unique(make)

    def tni(self, rank: str) -> str:
        # 1… officers, 2… NCOs, 3… privates/corporals, then the birth year and 7 digits.
        group = "1" if rank in TNI_OFFICER_RANKS else ("3" if rank.startswith("K") else "2")

        def make() -> str:
            year = self._random.randint(1970, 1998)
            return f"{group}{year % 100:02d}{self._random.randrange(10**8):08d}"

        return self._unique(make)


def demo_unit_codes(desa_codes: list[str]) -> list[str]:
    """Every unit code the demo creates, children before parents (the order to delete them)."""
    return [
        *(f"satlinmas-{code}" for code in desa_codes),
        *(f"koramil-0809-{number}" for number in KORAMIL_NUMBERS.values()),
        *(f"polsek-{code}" for code in POLSEK_SIZES),
        *(f"{POLRES_CODE}-{key}" for key, _name, _kind, _size in POLRES_UNITS),
        POLRES_CODE,
        KODIM_CODE,
    ]
