"""The project app has no tables yet; this module makes Django send it post_migrate, which
keeps the role groups' permissions in step (opsboard.permissions)."""
