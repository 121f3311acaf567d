"""Incident command (kejadian): what the command makes of situation reports.

models (Incident, its reports, its timeline), services (every write: the lifecycle's
transitions), selectors (the board, the response clock's medians), views, forms and the export.
docs/incidents.md describes the lifecycle, the constraints, the clock and who may do what.
"""
