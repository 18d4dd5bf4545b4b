import uuid

from django.db import migrations, models


def themes_number(apps, schema_editor):
    """Give every theme proposed so far its own public id."""
    Theme = apps.get_model("consult", "Theme")
    # Rows that existed when the column was added got one default shared by all: renumber each.
    for theme in Theme.objects.only("pk"):
        Theme.objects.filter(pk=theme.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("consult", "0014_api_tokens")]

    operations = [
        migrations.AddField(
            model_name="theme", name="public_id", field=models.UUIDField(default=uuid.uuid4, editable=False, null=True),
        ),
        migrations.RunPython(themes_number, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="theme", name="public_id", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
