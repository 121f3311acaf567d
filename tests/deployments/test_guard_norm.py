"""Which guard norm applies to a guarded object: the most specific row, per force."""

import pytest

from deployments.models import Force, GuardNorm, Post, PostKind
from tests.factories import OperationFactory


@pytest.fixture
def operation():
    operation = OperationFactory()
    rows = [
        ("", False, Force.POLRI, 4),
        ("rawan", False, Force.POLRI, 6),
        ("", True, Force.POLRI, 8),
        ("", False, Force.TNI, 1),
    ]
    for kerawanan, remote, force, count in rows:
        GuardNorm.objects.create(
            operation=operation,
            post_kind=PostKind.PPK,
            kerawanan=kerawanan,
            remote=remote,
            force=force,
            personnel_per_shift=count,
        )
    return operation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kerawanan", "remote", "expected"),
    [
        ("rawan", False, {Force.POLRI: 6, Force.TNI: 1}),  # the class's row beats the kind's
        ("sangat_rawan", False, {Force.POLRI: 4, Force.TNI: 1}),  # no row for the class: the kind's
        (
            "rawan",
            True,
            {Force.POLRI: 8, Force.TNI: 1},
        ),  # remote: the remote row, else the ordinary
    ],
)
def test_the_most_specific_norm_applies_per_force(operation, kerawanan, remote, expected):
    ppk = Post(kind=PostKind.PPK, name="PPK Mojoroto", kerawanan=kerawanan, remote=remote)
    assert GuardNorm.objects.required_for(ppk, operation) == expected


@pytest.mark.django_db
def test_a_post_that_is_not_a_guarded_object_needs_no_norm(operation):
    posko = Post(kind=PostKind.POSKO, name="Posko Polres")
    assert GuardNorm.objects.required_for(posko, operation) == {}
