"""Escalation and in-app notifications of incident command (docs/incidents.md, "Escalation")."""
