"""Admin registrations of deployments, including TPS (the TPS admin, with its guards, is
registered here because it shows deployments data).

The admin is the Bag Ops admins' working tool: lists that find a person, a TPS or a Sprin fast,
the rules of the models checked on every path (forms, inlines, bulk actions, imports, history
reverts), and a history of who changed what. Command staff open it read-only (view permissions
only); Polsek staff given edit rights see and edit only their kecamatan's rows.

base: the shared admin classes and helpers. sheets: export and template downloads. forms: every
form. tps, personnel, assignments, imports, registry, objects, shifts, bko: one module per admin
group; importing them registers their admins.
"""

from deployments.admin import (  # noqa: F401
    assignments,
    bko,
    imports,
    objects,
    personnel,
    registry,
    shifts,
    tps,
)
