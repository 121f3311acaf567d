"""Field officers on their phones (docs/field.md): sign-in links and assignment cards, /me/,
check-ins, the TPS status timeline, situation reports, instructions, and the command's views of
them (incident feed, check-ins per kecamatan, TPS status for the map, Posko entry).

Models live in opsboard/models.py; writes in services.py, reads in selectors.py.
"""
