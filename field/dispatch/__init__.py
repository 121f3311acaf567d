"""Dispatch (issue #15): the command sends people to an incident.

selectors (who could go, nearest first), preview (each affected TPS's coverage now and after),
services (the write: a temporary duty per person, their current duty relieved, the incident
ditangani), views (the "Kirim personel" section of the incident page). docs/incidents.md.
"""
