"""The rakor lintas sektoral of Tue 13 Aug 2024 (mediabrantas.id, by Erlis; shared/seed).

Place, chair, attendees and what the Kapolres, the Dandim and the Sekda said come from the
article. The meeting number and hour, the minute-taker, the wording of the decisions and all
action items are ours [est], and the minutes say so. So are the asta siap statuses of the units:
the eight items are DOMAIN.md's estimate, and every status is marked as one.
"""

from datetime import date, timedelta

from coordination.models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MinutesRevision,
    Statement,
    UnitReadiness,
)
from coordination.services import readiness_items_ensure_defaults
from demo.common import rng, wib
from deployments.models import Unit
from tps.models import Kecamatan

MEETING_NUMBER = "Rakor/01/VIII/OPS.1.3./2024"
SOURCE = "berita mediabrantas.id tentang rakor ini (penulis: Erlis)"

AGENCIES = (
    # code, name, kind
    ("polres-kediri-kota", "Polres Kediri Kota", Agency.Kind.FORKOPIMDA),
    ("kodim-0809", "Kodim 0809/Kediri", Agency.Kind.FORKOPIMDA),
    ("pemkot-kediri", "Pemerintah Kota Kediri", Agency.Kind.FORKOPIMDA),
    ("kpu-kota-kediri", "KPU Kota Kediri", Agency.Kind.PENYELENGGARA),
    ("bawaslu-kota-kediri", "Bawaslu Kota Kediri", Agency.Kind.PENYELENGGARA),
    ("forkopimcam-mojoroto", "Forkopimcam Mojoroto", Agency.Kind.FORKOPIMCAM),
    ("forkopimcam-kota", "Forkopimcam Kota", Agency.Kind.FORKOPIMCAM),
    ("forkopimcam-pesantren", "Forkopimcam Pesantren", Agency.Kind.FORKOPIMCAM),
    ("kesbangpol-kota-kediri", "Bakesbangpol Kota Kediri", Agency.Kind.PEMDA),
    ("bpbd-kota-kediri", "BPBD Kota Kediri", Agency.Kind.PEMDA),
    ("dishub-kota-kediri", "Dinas Perhubungan Kota Kediri", Agency.Kind.PEMDA),
    ("satpolpp-kota-kediri", "Satpol PP Kota Kediri", Agency.Kind.PEMDA),
)
KAPOLRES = ("AKBP Bramastyo Priaji, S.H., S.I.K., M.Si.", "Kapolres Kediri Kota")
DANDIM = ("Letkol Inf Aris Setiawan, S.H.", "Dandim 0809/Kediri")
SEKDA = ("Bagus Alit, S.E., M.M.", "Sekretaris Daerah Kota Kediri")

AGENDA = """Pembukaan dan sambutan Kapolres Kediri Kota
Paparan kesiapan Operasi Mantap Praja Semeru 2024: personel dan TPS
Arahan Dandim 0809/Kediri
Sambutan Sekda Kota Kediri
Kesimpulan dan tindak lanjut"""

ISSUES = """Potensi kerawanan di wilayah masing-masing selama tahapan Pilkada 2024.
Partisipasi pemilih: kehadiran di TPS perlu ditingkatkan.
Penyebaran berita hoaks yang dapat memecah belah masyarakat.
Netralitas TNI, Polri dan ASN."""

STATEMENTS = (
    # agency, (name, position), text
    (
        "polres-kediri-kota",
        KAPOLRES,
        "Operasi Mantap Praja Semeru 2024 Polres Kediri Kota melibatkan 2.285 personel, terdiri "
        "atas 576 personel Polres Kediri Kota, 31 personel TNI dan 1.678 personel Linmas, dengan "
        "total 839 TPS. Keberhasilan Pilkada serentak 2024 tercermin dari pelaksanaannya yang aman "
        "dan damai sesuai aturan yang berlaku serta dari tingkat kehadiran pemilih yang maksimal. "
        "Rakor bertujuan menyamakan persepsi dan melakukan sosialisasi awal kepada seluruh "
        "pemangku kepentingan terkait pelaksanaan Operasi Mantap Praja Semeru 2024.",
    ),
    (
        "polres-kediri-kota",
        KAPOLRES,
        "Kelola dengan baik seluruh potensi kerawanan di wilayah masing-masing; pedomani dan "
        "persiapkan asta siap pendukung pelaksanaan operasi; perkuat soliditas dan sinergitas; "
        "jaga netralitas; laksanakan penegakan hukum secara profesional dan proporsional; dan "
        "jadikan kegiatan hari ini langkah penting untuk mematangkan kesiapan Operasi Mantap Praja "
        "Semeru 2024.",
    ),
    (
        "kodim-0809",
        DANDIM,
        "Perlu ada kegiatan yang menarik minat pemilih agar bersemangat datang ke TPS, serta "
        "sinergitas dan kolaborasi TNI, Polri dan pemerintah daerah untuk mewujudkan Pemilihan "
        "Kepala Daerah yang aman dan kondusif.",
    ),
    (
        "pemkot-kediri",
        SEKDA,
        "Berharap jumlah pemilih pada Pilkada kali ini meningkat. Tugas kita menjamin setiap warga "
        "negara menggunakan hak pilihnya secara bebas dan menjaga situasi tetap kondusif selama "
        "tahapan Pilkada 2024. Bersama-sama kita pastikan potensi gangguan keamanan dapat "
        "diantisipasi dan ditangani dengan cepat, dan tetap waspada terhadap penyebaran berita "
        "hoaks yang dapat memecah belah masyarakat.",
    ),
)

DECISIONS = (
    "Seluruh unsur menyamakan persepsi: Operasi Mantap Praja Semeru 2024 di wilayah hukum Polres "
    "Kediri Kota melibatkan 2.285 personel (576 Polri, 31 TNI, 1.678 Linmas) untuk 839 TPS.",
    "Setiap instansi dan Forkopimcam mengelola potensi kerawanan di wilayah masing-masing dan "
    "melaporkan perkembangannya kepada Polres Kediri Kota.",
    "Asta siap operasi dipedomani dan dipersiapkan sebagai pendukung pelaksanaan operasi.",
    "TNI, Polri dan ASN menjaga netralitas; penegakan hukum dilaksanakan secara profesional "
    "dan proporsional.",
    "Pemerintah daerah bersama penyelenggara mendorong kehadiran pemilih di TPS dan bersama-sama "
    "menangkal penyebaran hoaks.",
)

ACTION_ITEMS = (
    # agency, what, due, status, kecamatan code, unit code
    (
        "kpu-kota-kediri",
        "Menyerahkan daftar dan lokasi 401 TPS reguler dan TPS lokasi khusus "
        "Kota Kediri kepada Polres dan Kodim.",
        date(2024, 9, 30),
        ActionItem.Status.DONE,
        None,
        None,
    ),
    (
        "polres-kediri-kota",
        "Memutakhirkan peta kerawanan TPS per kecamatan dan memaparkannya pada rakor berikutnya.",
        date(2024, 11, 15),
        ActionItem.Status.DONE,
        None,
        "polres-kediri-kota-sat-intelkam",
    ),
    (
        "bawaslu-kota-kediri",
        "Menyampaikan hasil pemetaan TPS rawan (8 variabel) kepada Polres Kediri Kota.",
        date(2024, 11, 18),
        ActionItem.Status.DONE,
        None,
        None,
    ),
    (
        "forkopimcam-mojoroto",
        "Menggelar rakor Forkopimcam Mojoroto tentang kerawanan TPS di 14 kelurahan.",
        date(2024, 10, 31),
        ActionItem.Status.DONE,
        "357101",
        "polsek-357101",
    ),
    (
        "satpolpp-kota-kediri",
        "Menetapkan dan membekali Linmas petugas ketertiban TPS, dua orang di setiap TPS.",
        date(2024, 11, 20),
        ActionItem.Status.DONE,
        None,
        None,
    ),
    (
        "kodim-0809",
        "Menyiapkan 31 personel TNI untuk pengamanan Pilkada dan jadwal patroli bersama Polri.",
        date(2024, 11, 20),
        ActionItem.Status.DONE,
        None,
        None,
    ),
    (
        "pemkot-kediri",
        "Menyelenggarakan sosialisasi untuk meningkatkan kehadiran pemilih di TPS.",
        date(2024, 11, 22),
        ActionItem.Status.IN_PROGRESS,
        None,
        None,
    ),
    (
        "bpbd-kota-kediri",
        "Memetakan TPS di lokasi rawan banjir dan menyiapkan dukungan evakuasi.",
        date(2024, 11, 22),
        ActionItem.Status.OPEN,
        None,
        None,
    ),
    (
        "dishub-kota-kediri",
        "Menyiapkan pengaturan lalu lintas untuk distribusi logistik ke PPK dan TPS.",
        date(2024, 11, 24),
        ActionItem.Status.DONE,
        None,
        None,
    ),
    (
        "kesbangpol-kota-kediri",
        "Melaporkan evaluasi pengamanan dan situasi pasca-pemungutan kepada Forkopimda.",
        date(2024, 12, 20),
        ActionItem.Status.OPEN,
        None,
        None,
    ),
)

# The notulis's account of the discussion; the header, the attendance, the statements, the
# decisions and the follow-ups are records of their own and are printed beside it.
MINUTES = """#### Jalannya rapat
Rapat dibuka oleh Kapolres Kediri Kota dan diikuti unsur Forkopimda Kota Kediri, KPU Kota
Kediri, Bawaslu Kota Kediri, Forkopimcam Mojoroto, Kota dan Pesantren, Kesbangpol, BPBD,
Dishub dan Satpol PP Kota Kediri.

#### Pokok bahasan
- Operasi Mantap Praja Semeru 2024 Polres Kediri Kota melibatkan **2.285 personel**: 576
  personel Polres Kediri Kota, 31 personel TNI dan 1.678 personel Linmas, untuk **839 TPS**.
- Rakor bertujuan menyamakan persepsi dan menyosialisasikan pelaksanaan operasi kepada seluruh
  pemangku kepentingan.
- Ukuran keberhasilan Pilkada 2024: aman dan damai, sesuai aturan, dengan kehadiran pemilih
  yang maksimal.

#### Arahan Kapolres Kediri Kota
1. Kelola dengan baik seluruh potensi kerawanan di wilayah masing-masing.
2. Pedomani dan persiapkan asta siap pendukung pelaksanaan operasi.
3. Perkuat soliditas dan sinergitas.
4. Jaga netralitas.
5. Laksanakan penegakan hukum secara profesional dan proporsional.

Dandim 0809/Kediri menekankan kegiatan yang menarik minat pemilih datang ke TPS serta sinergi
TNI, Polri dan pemerintah daerah; Sekda Kota Kediri mengingatkan agar gangguan keamanan
diantisipasi dan ditangani cepat dan hoaks yang memecah belah masyarakat diwaspadai.

---
*Sumber: {source}, diringkas. Nomor rapat, jam, notulis, rumusan keputusan dan seluruh tindak
lanjut adalah data contoh untuk demo, bukan isi berita.*
"""
# Published the afternoon of the rakor [est], by the minute-taker's section.
PUBLISHED_AT = wib(8, 13, 15)
PUBLISHED_BY = "Bag Ops Polres Kediri Kota (demo)"
# Units with an asta siap checklist in the demo: the Polres, its Polsek, the Kodim.
READINESS_UNIT_KINDS = (Unit.Kind.POLRES, Unit.Kind.POLSEK, Unit.Kind.KODIM)
READINESS_REVIEWED_ON = date(2024, 11, 25)


def agencies_ensure() -> dict[str, Agency]:
    """The agencies at the table: real institutions, created when missing and never deleted."""
    existing = set(
        Agency.objects.filter(code__in=[a[0] for a in AGENCIES]).values_list("code", flat=True)
    )
    Agency.objects.bulk_create(
        Agency(code=code, name=name, kind=kind)
        for code, name, kind in AGENCIES
        if code not in existing
    )
    return {a.code: a for a in Agency.objects.filter(code__in=[a[0] for a in AGENCIES])}


def rakor_create() -> Meeting:
    agencies = agencies_ensure()
    meeting = Meeting.objects.create(
        number=MEETING_NUMBER,
        title="Rakor Lintas Sektoral Kesiapan Operasi Mantap Praja Semeru 2024",
        kind=Meeting.Kind.RAKOR_LINTAS_SEKTORAL,
        held_at=wib(8, 13, 9),  # the article gives the day only; 09.00 WIB is ours
        place="Gedung Rupatama Polres Kediri Kota",
        chair=KAPOLRES[0],
        chair_position=KAPOLRES[1],
        minute_taker="Bag Ops Polres Kediri Kota",
        minutes=MINUTES.format(source=SOURCE),
        issues_raised=ISSUES,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, order=order, title=line)
        for order, line in enumerate(AGENDA.splitlines(), start=1)
    )
    named = {"polres-kediri-kota": KAPOLRES, "kodim-0809": DANDIM, "pemkot-kediri": SEKDA}
    Attendance.objects.bulk_create(
        # Only the officials the article names get a name; the others came as their agency.
        Attendance(
            meeting=meeting,
            agency=agencies[code],
            person_name=named[code][0] if code in named else "",
            position=named[code][1] if code in named else f"Perwakilan {name}",
            presence=Attendance.Presence.PRESENT,
        )
        for code, name, _kind in AGENCIES
    )
    Statement.objects.bulk_create(
        Statement(
            meeting=meeting,
            agency=agencies[code],
            speaker=speaker,
            position=position,
            text=text,
            order=order,
        )
        for order, (code, (speaker, position), text) in enumerate(STATEMENTS, start=1)
    )
    Decision.objects.bulk_create(
        Decision(meeting=meeting, text=text, order=order)
        for order, text in enumerate(DECISIONS, start=1)
    )
    kecamatan = {k.code: k for k in Kecamatan.objects.all()}
    units = {u.code: u for u in Unit.objects.filter(code__in=[a[5] for a in ACTION_ITEMS if a[5]])}
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meeting,
            agency=agencies[code],
            what=what,
            due_on=due,
            status=status,
            kecamatan=kecamatan.get(kec) if kec else None,
            unit=units.get(unit) if unit else None,
            status_changed_at=_status_changed_at(due, status),
        )
        for code, what, due, status, kec, unit in ACTION_ITEMS
    )
    # Published as it stands: from here on the notulen is locked and corrected by revisions.
    MinutesRevision.objects.create(
        meeting=meeting,
        number=1,
        text=meeting.minutes,
        published_at=PUBLISHED_AT,
        published_by_name=PUBLISHED_BY,
    )
    asta_siap_create()
    return meeting


def _status_changed_at(due: date, status: str):
    # [est] Finished items were reported done three days before their due date; those under way
    # were started a fortnight before it. Open items have never changed status.
    if status == ActionItem.Status.DONE:
        moment = due - timedelta(days=3)
    elif status == ActionItem.Status.IN_PROGRESS:
        moment = due - timedelta(days=14)
    else:
        return None
    return wib(moment.month, moment.day, 10)


def asta_siap_create() -> int:
    """The eight default items and a checklist for the Polres, each Polsek and the Kodim,
    with statuses that are estimates for the demo (a fixed random stream)."""
    items = readiness_items_ensure_defaults()
    units = list(Unit.objects.filter(kind__in=READINESS_UNIT_KINDS).order_by("code"))
    random = rng("asta-siap")
    statuses = (
        [UnitReadiness.Status.READY] * 6
        + [UnitReadiness.Status.PARTIAL] * 3
        + [UnitReadiness.Status.NOT_READY]
    )
    rows = []
    for unit in units:
        for item in items:
            status = random.choice(statuses)
            rows.append(
                UnitReadiness(
                    unit=unit,
                    item=item,
                    status=status,
                    evidence="Perkiraan data demo, belum dinilai komando.",
                    reviewed_on=READINESS_REVIEWED_ON,
                    reviewed_by="demo",
                    is_estimate=True,
                )
            )
    UnitReadiness.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
