import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0020_invitation_consultation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="invitation",
            name="consultation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="invitations", to="consult.consultation"
            ),
        ),
    ]
