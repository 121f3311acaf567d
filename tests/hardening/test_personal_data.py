"""Personal data (phones, NRP / register numbers, the home desa of Linmas, photos): shown only to
the roles that need it (docs/access.md, "Personal data").

Two kecamatan, each with a TPS team (Linmas and Polri with phones), its Padal, a reserve officer
on no duty, a report with a photo, a check-in and an instruction; one Linmas of kecamatan A lives
in a third kecamatan. Every page, partial, export and API answer that a role can open (walked
from the resolver, with real objects, plus the htmx partials and query variants listed below)
is read as each role, and each phone, identifier, photo link and home desa found must be one
that role may see. Which team phones an officer sees on /me/ is tests/field/test_me.py's.
"""

import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from field.services import checkin_record, situation_report_create
from tests.access_objects import case_for, world_a
from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    InstructionFactory,
    KecamatanFactory,
    LinmasFactory,
    PersonnelFactory,
    SatlinmasFactory,
)
from tests.field.helpers import jpeg, padal_of
from tests.test_access_matrix import all_routes

SITE_ROLES = (
    "anonymous",
    "field_officer",
    "field_officer_other_tps",
    "polsek_staff",
    "polsek_staff_other",
    "polsek_editor_other",
    "command_staff",
    "ops_admin",
    "superuser",
)
# Where each role's scope lies: a TPS team ("A", "B"), a kecamatan, or everything (None).
TEAM_OF = {"field_officer": "A", "field_officer_other_tps": "B"}
KECAMATAN_OF = {"polsek_staff": "A", "polsek_staff_other": "B", "polsek_editor_other": "B"}
HOME_DESA_NAME = "Kelurahan Tempat Tinggal Jauh"
# Labels of the home desa field, in both languages, and its API key.
HOME_DESA_LABEL = re.compile(r"desa asal|home desa|home_desa", re.I)


@dataclass
class Person:
    record: object
    side: str  # the kecamatan whose people they are: "A" or "B"
    duty: str  # "team" (guards the side's TPS), "padal" (its Padal and Kapolsek), "reserve"

    @property
    def phone(self) -> str:
        return self.record.phone

    @property
    def identifier(self) -> str:
        return self.record.identifier


@dataclass
class World:
    people: list[Person] = field(default_factory=list)
    photos: dict = field(default_factory=dict)  # report photo URL → (side, reporter)
    objects: object = None  # tests.access_objects.WorldA, for the URLs with an id
    lives_elsewhere: object = None  # the Linmas of A whose home desa is in a third kecamatan


def _nrp(n: int) -> str:
    return f"7911{n:04d}"


def _side(world: World, *, side: str, number: int, kecamatan, tps, guard_user):
    """One kecamatan's people: the persona guarding its TPS, a second Linmas and a Polri officer
    at the same TPS, the Padal (its Kapolsek), and a reserve officer on no duty."""
    guard = guard_user.personnel
    guard.phone = f"+62811{number}0001"
    guard.save(update_fields=["phone"])
    second = LinmasFactory(
        unit=SatlinmasFactory(desa=tps.desa),
        identifier=f"LM-{tps.desa.code}-77",
        phone=f"+62811{number}0002",
    )
    polri = PersonnelFactory(identifier=_nrp(number * 10 + 3), phone=f"+62811{number}0003")
    for person in (second, polri):
        AssignmentFactory(personnel=person, tps=[tps])
    padal = padal_of(
        kecamatan, tps.desa, identifier=_nrp(number * 10 + 4), phone=f"+62811{number}0004"
    )
    reserve = PersonnelFactory(
        unit=padal.unit, identifier=_nrp(number * 10 + 5), phone=f"+62811{number}0005"
    )
    world.people += [
        Person(guard, side, "team"),
        Person(second, side, "team"),
        Person(polri, side, "team"),
        Person(padal, side, "padal"),
        Person(reserve, side, "reserve"),
    ]

    report = situation_report_create(
        person=guard,
        kind="gangguan",
        text=f"Laporan {side}",
        urgent=True,
        idempotency_key=str(uuid.uuid4()),
        tps=tps,
        photo=jpeg((300, 200)),
    )[0]
    world.photos[reverse("field:report_photo", kwargs={"pk": report.pk})] = (side, guard)
    checkin_record(person=guard, tps=tps)
    InstructionFactory(kecamatan=kecamatan, text=f"Instruksi {side}")
    return second


@pytest.fixture
def world(
    election_day,
    settings,
    tmp_path,
    mojoroto,
    pesantren,
    tps_a,
    tps_b,
    field_officer,
    field_officer_other_tps,
    polsek_staff,
    polsek_staff_other,
    ops_admin,
):
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    settings.COORDINATION_ATTACHMENT_ROOT = tmp_path / "attachments"
    world = World()
    second_a = _side(
        world, side="A", number=1, kecamatan=mojoroto, tps=tps_a, guard_user=field_officer
    )
    _side(
        world,
        side="B",
        number=2,
        kecamatan=pesantren,
        tps=tps_b,
        guard_user=field_officer_other_tps,
    )
    # A Linmas of kecamatan A who lives in a third kecamatan: where they live is theirs.
    elsewhere = KecamatanFactory(code="357102", name="Kota")
    second_a.home_desa = DesaFactory(kecamatan=elsewhere, name=HOME_DESA_NAME)
    second_a.save(update_fields=["home_desa"])
    world.lives_elsewhere = second_a
    world.objects = world_a(
        kecamatan=mojoroto,
        tps=tps_a,
        field_officer=field_officer,
        polsek_staff=polsek_staff,
        ops_admin=ops_admin,
    )
    return world


# What each role may see (docs/access.md, "Personal data")


def allowed(role: str, world: World, *, path: str, user) -> dict[str, set[str]]:
    """The phones, identifiers and photo links that `role` may find on `path`."""
    people, photos = world.people, world.photos
    admin = path.startswith("/admin/")
    if role in TEAM_OF:
        side = TEAM_OF[role]
        mine = user.personnel
        phones = {p.phone for p in people if p.side == side and p.duty in ("team", "padal")}
        identifiers = {mine.identifier}
        links = {url for url, (_side, reporter) in photos.items() if reporter == mine}
    elif role in KECAMATAN_OF:
        side = KECAMATAN_OF[role]
        ours = [p for p in people if p.side == side]
        phones = {p.phone for p in ours} if admin else set()
        identifiers = {p.identifier for p in ours}
        links = {url for url, (s, _reporter) in photos.items() if s == side}
    elif role == "anonymous":
        phones, identifiers, links = set(), set(), set()
    else:
        phones = {p.phone for p in people} if admin else set()
        identifiers = {p.identifier for p in people}
        links = set(photos)
    if path.startswith("/masuk/"):
        # A sign-in card's page shows whose card it is to whoever holds it.
        identifiers = identifiers | {world.objects.guard.identifier}
    return {"phones": phones, "identifiers": identifiers, "photos": links}


def found(body: str, world: World) -> dict[str, set[str]]:
    return {
        "phones": {p.phone for p in world.people if p.phone in body},
        "identifiers": {p.identifier for p in world.people if p.identifier in body},
        "photos": {url for url in world.photos if url in body},
    }


# What is read: every GET URL of the resolver (with real objects), and the partials and
# variants that a plain GET of the URL does not show.

HTMX = {"hx-request": "true"}


def extra_requests(world: World) -> list[tuple[str, dict]]:
    guard = world.objects.guard
    return [
        ("/?phase=pemungutan", {}),
        ("/", {**HTMX, "hx-target": "figures"}),
        ("/", {**HTMX, "hx-target": "gaps"}),
        ("/", {**HTMX, "hx-target": "areas"}),
        ("/wall/", {**HTMX, "hx-target": "wall-live"}),
        ("/export/gaps/?format=csv", {}),
        ("/export/areas/?format=csv", {}),
        ("/lapangan/insiden/", HTMX),
        ("/lapangan/checkin/", HTMX),
        ("/rapat/panel/", HTMX),
        ("/api/personnel.json?page_size=200", {}),
        ("/api/tps.geojson", {}),
        ("/api/posts.geojson", {}),
        (f"/posko/?identifier={guard.identifier}&force={guard.force}", {}),
    ]


def site_requests(world: World) -> list[tuple[str, dict]]:
    requests = []
    for path, name in all_routes():
        if path.startswith("/admin/") or name in ("logout", "admin:logout"):
            continue
        case = case_for(name, world.objects)
        if case is not None:
            if case.method != "get":
                continue
            path = case.path
        requests.append((path, {}))
    return requests + extra_requests(world)


def admin_requests(world: World) -> list[tuple[str, dict]]:
    requests = []
    for path, name in all_routes():
        if not path.startswith("/admin/") or name == "admin:logout":
            continue
        case = case_for(name, world.objects)
        requests.append((case.path if case is not None else path, {}))
    return requests


def read_as(client, requests) -> tuple[list[tuple[str, str]], list[str]]:
    """(path, body) of every answer the role was given (2xx; refusals show nothing), and the
    requests that failed with a server error."""
    pages, errors = [], []
    client.raise_request_exception = False  # a server error is listed, and the walk goes on
    for path, headers in requests:
        response = client.get(path, headers=headers)
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
        elif 200 <= response.status_code < 300:
            streamed = response.streaming
            content = b"".join(response.streaming_content) if streamed else response.content
            pages.append((path, content.decode(errors="replace")))
    return pages, errors


def leaks(role: str, user, world: World, pages) -> list[str]:
    wrong = []
    for path, body in pages:
        may = allowed(role, world, path=path, user=user)
        for kind, values in found(body, world).items():
            extra = values - may[kind]
            if extra:
                wrong.append(f"{path}: {kind} {sorted(extra)}")
        if not path.startswith("/admin/") and HOME_DESA_LABEL.search(body):
            wrong.append(f"{path}: a home desa field")
        if role not in ("command_staff", "ops_admin", "superuser") and HOME_DESA_NAME in body:
            wrong.append(f"{path}: the home desa of a Linmas")
    return wrong


# Pages each role opens at least (anonymous: health, the login pages, a sign-in card…).
MINIMUM_PAGES = {"anonymous": 4, "field_officer": 5, "field_officer_other_tps": 5}


@pytest.mark.parametrize("role", SITE_ROLES)
def test_each_role_sees_only_the_personal_data_it_needs(role, request, login, world):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = login(user)
    requests = site_requests(world)
    if role == "polsek_editor_other":
        # The only admin reader with a scope; the others read every person's record there.
        requests += admin_requests(world)

    pages, errors = read_as(client, requests)

    assert len(pages) >= MINIMUM_PAGES.get(role, 20)  # the walk reached the role's pages
    problems = leaks(role, user, world, pages) + errors
    assert problems == [], "\n".join(problems)


def test_the_sweep_finds_what_it_looks_for(login, command_staff, field_officer, world):
    # The detectors are not blind: the API lists identifiers, /me/ the team's phones, the
    # incident feed the photo links, and the admin the home desa.
    staff = login(command_staff)
    people = staff.get("/api/personnel.json?page_size=200").content.decode()
    incidents = staff.get("/lapangan/insiden/").content.decode()
    change = staff.get(
        reverse("admin:deployments_personnel_change", args=[world.lives_elsewhere.pk])
    ).content.decode()
    me = login(field_officer).get("/me/").content.decode()

    assert found(people, world)["identifiers"] == {
        p.identifier for p in world.people if p.record.active
    }
    assert found(incidents, world)["photos"] == set(world.photos)
    assert HOME_DESA_NAME in change and HOME_DESA_LABEL.search(change)
    assert found(me, world)["phones"] == {
        p.phone
        for p in world.people
        if p.side == "A" and p.duty in ("team", "padal") and p.record.user_id != field_officer.pk
    }
