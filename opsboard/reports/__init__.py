"""The daily report (laporan harian, issue #19): its model, figures, services, views, exports.

docs/daily-report.md tells the whole design. The figures are read by the selectors the dashboard
and the read API use (``figures.daily_figures``); the report stores them when it is generated,
so that a signed report says what it said when the Kabag Ops signed it.
"""
