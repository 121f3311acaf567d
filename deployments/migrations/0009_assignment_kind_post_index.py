"""An index on (kind, post): the Padal of a kecamatan are read by kind and post on every /me/ of
its guards; without it PostgreSQL walked the whole post index filtering by kind."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deployments", "0008_personnel_name_trigram_postgresql"),
        ("tps", "0002_history"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["kind", "post"], name="deployments_asg_kind_post"),
        ),
    ]
