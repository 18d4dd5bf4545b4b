from django.db import migrations

# The help texts the default "practices" templates had: "Optional" and the length limit in the
# consultation's language, beside the form's own note in the page's language ("Facultatif.
# 5 000 caractères au maximum. 5,000 characters at most."). The form now says both in the
# page's language; texts the secretariat changed are left alone.
OLD_HELP_TEXTS = [
    "Optional. Up to 5,000 characters.",
    "Facultatif. 5\u00a0000 caractères au maximum.",
    "Opcional. Máximo 5000 caracteres.",
    "Необязательно. Не более 5000 знаков.",
    "اختياري. بحد أقصى 5000 حرف.",
    "选填。不超过5000个字符。",
]


def clear_limit_help_texts(apps, schema_editor):
    for model in (apps.get_model("consult", "QuestionTemplate"), apps.get_model("surveys", "Question")):
        model.objects.filter(help_text__in=OLD_HELP_TEXTS).update(help_text="")


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0011_state_articles"),
        ("surveys", "0003_question_translations"),
    ]

    operations = [migrations.RunPython(clear_limit_help_texts, migrations.RunPython.noop)]
