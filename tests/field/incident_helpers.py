"""Builders for the incident tests: an urgent report and its incident, walked through the
lifecycle with the operation clock moved forward (settings.OPSBOARD_NOW), never slept."""

from datetime import timedelta

from field.incidents import services
from field.services import situation_report_create
from tests.field.helpers import key


def report(person, *, tps=None, kind="gangguan", urgent=True, text="Massa berkumpul di TPS"):
    return situation_report_create(
        person=person, kind=kind, text=text, urgent=urgent, idempotency_key=key(), tps=tps
    )[0]


def tick(settings, minutes: int) -> None:
    settings.OPSBOARD_NOW += timedelta(minutes=minutes)


def walk(incident, settings, by, *, to: str, minutes=(5, 10, 15, 20)):
    """Take the incident along the lifecycle up to the state ``to``, each step ``minutes``
    later than the one before."""
    steps = [
        ("diverifikasi", lambda i: services.incident_verify(incident=i, by=by)),
        (
            "ditangani",
            lambda i: services.incident_dispatch_note(incident=i, by=by, note="Tim Sabhara 2"),
        ),
        ("di_lokasi", lambda i: services.incident_arrive(incident=i, by=by)),
        (
            "selesai",
            lambda i: services.incident_resolve(incident=i, by=by, resolution="Massa bubar"),
        ),
    ]
    for (state, step), wait in zip(steps, minutes, strict=False):
        tick(settings, wait)
        incident = step(incident)
        if state == to:
            break
    return incident


def later_dispatch(person, incident, *, by=None):
    """A dispatch of `person` to `incident` on a Penanganan kejadian duty in the pasca phase,
    after their election-day duty: the access walks need a dispatch of TPS A's guard that
    leaves their TPS duty (and so every other case of TPS A) as it is. Written directly, as a
    fixture; the real path is field.dispatch.services.incident_dispatch."""
    from core import clock
    from deployments.models import Assignment, PostKind
    from field.dispatch.models import IncidentDispatch
    from tests.factories import phase

    pasca = phase("pasca")
    duty = Assignment.objects.create(
        personnel=person,
        phase=pasca,
        kind=PostKind.KEJADIAN,
        starts_at=pasca.starts_at,
        ends_at=pasca.starts_at + timedelta(hours=1),
    )
    return IncidentDispatch.objects.create(
        incident=incident, duty=duty, personnel=person, at=clock.now(), by=by
    )
