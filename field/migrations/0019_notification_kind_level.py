"""The chain's levels are 1 and up; what is told at once (a panic, a dispatch) is level 0."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('field', '0018_notification_kind_of_panics'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'eskalasi'), ('level__gte', 1)), models.Q(('kind__in', ['darurat', 'penugasan']), ('level', 0)), _connector='OR'), name='field_notification_kind_level'),
        ),
    ]
