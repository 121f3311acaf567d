"""The command's roster of guarded objects (docs/shifts.md): the week view of an object's shifts
and of a person's duties, the rotation form (cut shifts, preview, confirm) and the swap."""
