"""Data: the demo 建设规范 (five dimensions with weights and criteria), made current if none is."""

from django.db import migrations


def forwards(apps, schema_editor):
    from workshops.standard_seed import seed_standard

    seed_standard(
        apps.get_model("workshops", "Standard"),
        apps.get_model("workshops", "Dimension"),
        apps.get_model("workshops", "Criterion"),
    )


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
