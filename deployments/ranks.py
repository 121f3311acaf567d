"""Rank lists, lowest first (DOMAIN.md). National lists, not operation data; Linmas have none."""

POLRI_RANKS = (
    "Bharada",
    "Bharatu",
    "Bharaka",
    "Abripda",
    "Abriptu",
    "Abrip",
    "Bripda",
    "Briptu",
    "Brigpol",
    "Bripka",
    "Aipda",
    "Aiptu",
    "Ipda",
    "Iptu",
    "AKP",
    "Kompol",
    "AKBP",
    "Kombes Pol",
    "Brigjen Pol",
    "Irjen Pol",
    "Komjen Pol",
    "Jenderal Pol",
)
TNI_RANKS = (
    "Prada",
    "Pratu",
    "Praka",
    "Kopda",
    "Koptu",
    "Kopka",
    "Serda",
    "Sertu",
    "Serka",
    "Serma",
    "Pelda",
    "Peltu",
    "Letda",
    "Lettu",
    "Kapten",
    "Mayor",
    "Letkol",
    "Kolonel",
    "Brigjen",
    "Mayjen",
    "Letjen",
    "Jenderal",
)
# Corps of the Army (TNI AD), written after the rank: "Letkol Inf".
TNI_CORPS = (
    "Inf",
    "Kav",
    "Arh",
    "Arm",
    "Czi",
    "Chb",
    "Cpm",
    "Cku",
    "Cba",
    "Cpl",
    "Ckm",
    "Caj",
    "Chk",
)

RANKS_BY_FORCE = {"POLRI": POLRI_RANKS, "TNI": TNI_RANKS, "LINMAS": ()}


def rank_order(force: str, rank: str) -> int:
    """Position in the force's list (higher is senior); -1 for no rank."""
    ranks = RANKS_BY_FORCE.get(force, ())
    return ranks.index(rank) if rank in ranks else -1
