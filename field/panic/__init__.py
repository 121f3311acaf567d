"""The panic button of /me/ (docs/incidents.md, "Panic"): models.py the alert and its presses,
services.py panic_raise. The alarm's read and view live with the incidents
(field.incidents.selectors.panic_alarms, field.incidents.views.panic_alarm)."""
