"""Data: the notifications a panic sent (level 0, the only ones at that level so far) are of
kind darurat. Backwards, dispatch notifications go (there were none before 0017, and the old
one-per-level rule would refuse one beside a panic's) and panics are level-0 escalations again."""

from django.db import migrations


def panics_marked(apps, schema_editor):
    Notification = apps.get_model("field", "Notification")
    Notification.objects.filter(level=0).update(kind="darurat")


def panics_unmarked(apps, schema_editor):
    Notification = apps.get_model("field", "Notification")
    Notification.objects.filter(kind="penugasan").delete()
    Notification.objects.filter(kind="darurat").update(kind="eskalasi")


class Migration(migrations.Migration):

    dependencies = [
        ("field", "0017_notification_kind"),
    ]

    operations = [
        migrations.RunPython(panics_marked, panics_unmarked),
    ]
