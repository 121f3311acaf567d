"""Data: the agenda's lines become agenda items; the eight default asta siap items appear.

The asta siap list is our estimate (DOMAIN.md: no public source lists the eight), so every item
starts marked as an estimate until the command edits it. Reversible: going back writes the
agenda items into the text field again and removes the default items nobody has edited.
"""

from django.db import migrations

ASTA_SIAP = (
    ("personel", "Siap personel"),
    ("sarpras", "Siap sarana dan prasarana"),
    ("anggaran", "Siap anggaran"),
    ("renops", "Siap rencana operasi (cara bertindak)"),
    ("latihan", "Siap latihan (latpraops, TFG, simulasi)"),
    ("koordinasi", "Siap koordinasi lintas sektoral"),
    ("mental-fisik", "Siap mental, fisik dan kesehatan"),
    ("komunikasi", "Siap komunikasi dan pelaporan"),
)


def forward(apps, schema_editor):
    # Every query names the database being migrated: with several aliases (the tests compare
    # PostgreSQL with SQLite) the default one may already be further along.
    db = schema_editor.connection.alias
    Meeting = apps.get_model("coordination", "Meeting")
    AgendaItem = apps.get_model("coordination", "AgendaItem")
    ReadinessItem = apps.get_model("coordination", "ReadinessItem")
    items = []
    for meeting in Meeting.objects.using(db).exclude(agenda="").only("pk", "agenda"):
        lines = [line.strip() for line in meeting.agenda.splitlines() if line.strip()]
        items += [
            AgendaItem(meeting_id=meeting.pk, order=order, title=line[:300])
            for order, line in enumerate(lines, start=1)
        ]
    AgendaItem.objects.using(db).bulk_create(items)
    existing = set(ReadinessItem.objects.using(db).values_list("code", flat=True))
    ReadinessItem.objects.using(db).bulk_create(
        ReadinessItem(code=code, name=name, order=order, is_estimate=True)
        for order, (code, name) in enumerate(ASTA_SIAP, start=1)
        if code not in existing
    )


def backward(apps, schema_editor):
    db = schema_editor.connection.alias
    Meeting = apps.get_model("coordination", "Meeting")
    AgendaItem = apps.get_model("coordination", "AgendaItem")
    ReadinessItem = apps.get_model("coordination", "ReadinessItem")
    for meeting in Meeting.objects.using(db).all():
        titles = (
            AgendaItem.objects.using(db)
            .filter(meeting=meeting, action_item__isnull=True)
            .order_by("order", "pk")
        )
        meeting.agenda = "\n".join(titles.values_list("title", flat=True))
        meeting.save(update_fields=["agenda"], using=db)
    AgendaItem.objects.using(db).all().delete()
    ReadinessItem.objects.using(db).filter(
        code__in=[code for code, _name in ASTA_SIAP], is_estimate=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("coordination", "0003_minutesrevision_never_updated")]

    operations = [migrations.RunPython(forward, backward)]
