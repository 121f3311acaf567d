"""Personnel.identifier_key: the NRP or register number without spaces, dots and dashes, upper
case, computed and stored by the database (a generated column), with an index; and an index on
the phone. The Posko's lookup and the cards' revoke and sign-out forms compared
REPLACE(UPPER(identifier)) with the typed number, which read every personnel row."""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deployments", "0006_coverage_tps_composite_key"),
        ("tps", "0002_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpersonnel",
            name="identifier_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Replace(
                    django.db.models.functions.text.Replace(
                        django.db.models.functions.text.Replace(
                            django.db.models.functions.text.Upper("identifier"),
                            models.Value(" "),
                            models.Value(""),
                        ),
                        models.Value("."),
                        models.Value(""),
                    ),
                    models.Value("-"),
                    models.Value(""),
                ),
                help_text="Huruf besar, tanpa spasi, titik dan tanda -: cara nomor dicari.",
                output_field=models.CharField(max_length=32),
                verbose_name="NRP/No. registrasi tanpa pemisah",
            ),
        ),
        migrations.AddField(
            model_name="personnel",
            name="identifier_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Replace(
                    django.db.models.functions.text.Replace(
                        django.db.models.functions.text.Replace(
                            django.db.models.functions.text.Upper("identifier"),
                            models.Value(" "),
                            models.Value(""),
                        ),
                        models.Value("."),
                        models.Value(""),
                    ),
                    models.Value("-"),
                    models.Value(""),
                ),
                help_text="Huruf besar, tanpa spasi, titik dan tanda -: cara nomor dicari.",
                output_field=models.CharField(max_length=32),
                verbose_name="NRP/No. registrasi tanpa pemisah",
            ),
        ),
        migrations.AddIndex(
            model_name="personnel",
            index=models.Index(fields=["identifier_key"], name="deployments_personnel_id_key"),
        ),
        migrations.AddIndex(
            model_name="personnel",
            index=models.Index(fields=["phone"], name="deployments_personnel_phone"),
        ),
    ]
