"""Synthetic Indonesian (mostly Javanese) names and phone numbers for the demo's people.

Built from fixed lists with a seeded random stream, so no locale data is downloaded and every
run gives the same names. Any resemblance to a real person is chance; the only real people in
the demo are the officials named in the source article.
"""

import random

from deployments.phones import normalize_phone

# Name lists, kept compact.
# fmt: off
MALE_GIVEN = (
    "Agus", "Ahmad", "Adi", "Andi", "Andik", "Anang", "Arif", "Bagus", "Bambang", "Bayu", "Budi",
    "Catur", "Dani", "Danang", "Dedi", "Dimas", "Doni", "Dwi", "Edi", "Eko", "Erwin", "Fajar",
    "Ferry", "Fikri", "Galih", "Gatot", "Gilang", "Hadi", "Hari", "Hendra", "Heru", "Ilham",
    "Imam", "Irfan", "Iwan", "Joko", "Krisna", "Kukuh", "Lukman", "Mahfud", "Mochamad", "Muhammad",
    "Mujib", "Nanang", "Nur", "Oki", "Pandu", "Puji", "Rahmat", "Rendra", "Ridwan", "Rizal",
    "Rizki", "Rudi", "Samsul", "Sapto", "Setyo", "Sigit", "Slamet", "Sugeng", "Taufik", "Teguh",
    "Tri", "Untung", "Wahid", "Wahyu", "Wawan", "Wisnu", "Yoga", "Yudi", "Yusuf", "Zainal",
)
MALE_FAMILY = (
    "Anwar", "Ardiansyah", "Arifin", "Budiono", "Cahyono", "Darmawan", "Effendi", "Fauzi",
    "Firmansyah", "Gunawan", "Hakim", "Hartono", "Haryanto", "Hasan", "Hermawan", "Hidayat",
    "Junaidi", "Kholiq", "Kurniawan", "Kusuma", "Maulana", "Mulyono", "Mustofa", "Nugroho",
    "Nurhadi", "Permana", "Pratama", "Priyanto", "Purnomo", "Raharjo", "Ramadhan", "Riyanto",
    "Rohman", "Rosyid", "Santoso", "Saputra", "Setiawan", "Setyawan", "Subagyo", "Sugiarto",
    "Sulistyo", "Sunarto", "Supriyadi", "Suryadi", "Susanto", "Susilo", "Sutrisno", "Syahputra",
    "Triyono", "Utomo", "Wahyudi", "Wibowo", "Wicaksono", "Widodo", "Wijaya", "Winarno",
    "Yulianto",
)
FEMALE_GIVEN = (
    "Anis", "Ayu", "Desi", "Dewi", "Dian", "Eka", "Endah", "Fitri", "Ika", "Indah", "Lilik",
    "Novi", "Putri", "Ratna", "Retno", "Rika", "Rina", "Sinta", "Siti", "Sri", "Sulis", "Tika",
    "Umi", "Vivi", "Winda", "Wulan", "Yuli", "Yuni",
)
FEMALE_FAMILY = (
    "Anggraini", "Fitriani", "Handayani", "Kurniasih", "Lestari", "Maharani", "Ningsih",
    "Nurhayati", "Pertiwi", "Puspitasari", "Purwanti", "Rahayu", "Rahmawati", "Safitri",
    "Setyowati", "Susanti", "Utami", "Wahyuni", "Wulandari", "Yuliana",
)
# Older Javanese men often carry one name only; some Linmas in the demo do.
MONONYMS = (
    "Katiran", "Kasdi", "Legiman", "Mujiono", "Mulyadi", "Ngadiman", "Paimin", "Parjo", "Poniran",
    "Samsuri", "Sarmin", "Sukardi", "Sukirman", "Sumarno", "Suparno", "Suwarno", "Suyono",
    "Tukiman", "Wagiman",
)
# Prefixes of Indonesian mobile operators, written the way people give their number.
MOBILE_PREFIXES = (
    "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0856", "0857", "0858", "0877", "0878",
    "0881", "0895", "0896",
)
# fmt: on


class NameBook:
    """Hands out names that no other person in the demo has, so that searches find one person."""

    def __init__(self, random_stream: random.Random, taken: set[str] = frozenset()) -> None:
        self._random = random_stream
        self._used: set[str] = set(taken)

    def name(self, *, female: bool = False, mononym_share: float = 0.0) -> str:
        for _attempt in range(1000):
            if not female and self._random.random() < mononym_share:
                candidate = self._random.choice(MONONYMS)
            elif female:
                candidate = " ".join(map(self._random.choice, (FEMALE_GIVEN, FEMALE_FAMILY)))
            else:
                candidate = " ".join(map(self._random.choice, (MALE_GIVEN, MALE_FAMILY)))
            if candidate in self._used and " " in candidate:
                # A middle name separates two people who would otherwise share a name.
                given = FEMALE_GIVEN if female else MALE_GIVEN
                first, _, rest = candidate.partition(" ")
                candidate = f"{first} {self._random.choice(given)} {rest}".strip()
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate
        raise RuntimeError("Daftar nama demo habis.")  # unreachable with these list sizes


def phone_number(random_stream: random.Random) -> str:
    """A synthetic mobile number, written like a person would and stored as +62…"""
    raw = (
        f"{random_stream.choice(MOBILE_PREFIXES)}-{random_stream.randrange(10_000):04d}-"
        f"{random_stream.randrange(10_000):04d}"
    )
    return normalize_phone(raw)
