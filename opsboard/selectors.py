"""Composite reads for the dashboard and the API — being written."""


def operation_summary(access):
    return {}


def field_officer_overview(personnel_id):
    return {}
