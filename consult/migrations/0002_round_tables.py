from django.db import migrations

# The four round tables of the 2013 High-Level Dialogue (A/RES/67/219).
ROUND_TABLES = [
    (1, "Assessing the effects of international migration on sustainable development and identifying "
        "relevant priorities in view of the preparation of the post-2015 development framework"),
    (2, "Measures to ensure respect for and protection of the human rights of all migrants, with particular "
        "reference to women and children, to prevent and combat smuggling of migrants and trafficking in "
        "persons, and to ensure orderly, regular and safe migration"),
    (3, "Strengthening partnerships and cooperation on international migration, mechanisms to effectively "
        "integrate migration into development policies and promoting coherence at all levels"),
    (4, "International and regional labour mobility and its impact on development"),
]


def add_round_tables(apps, schema_editor):
    RoundTable = apps.get_model("consult", "RoundTable")
    for number, title in ROUND_TABLES:
        RoundTable.objects.update_or_create(number=number, defaults={"title": title})


class Migration(migrations.Migration):
    dependencies = [("consult", "0001_initial")]

    operations = [migrations.RunPython(add_round_tables, migrations.RunPython.noop)]
