import json
from pathlib import Path

from django.db import migrations

TEMPLATES = Path(__file__).resolve().parent.parent / "fixtures" / "question_templates.json"


def load_question_templates(apps, schema_editor):
    """Create or refresh the default question templates, one per key, audience and language."""
    QuestionTemplate = apps.get_model("consult", "QuestionTemplate")
    for entry in json.loads(TEMPLATES.read_text(encoding="utf-8")):
        identity = {name: entry.pop(name) for name in ("key", "audience", "language")}
        QuestionTemplate.objects.update_or_create(**identity, defaults=entry)


class Migration(migrations.Migration):
    dependencies = [("consult", "0002_round_tables")]

    operations = [migrations.RunPython(load_question_templates, migrations.RunPython.noop)]
