"""Invitations belong to a consultation (made required by 0021, in its own transaction: PostgreSQL
will not alter a table with the constraint checks of these updates pending).

Invitations sent before were for the consultation the secretariat was collecting for: each goes
to the consultation that was open when it was sent (the newest such), else to the newest
consultation. Without any consultation an invitation cannot be kept; it is deleted (its audit
events stay).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def consultation_of(Consultation, invitation):
    open_then = Consultation.objects.filter(status__in=["open", "closed", "archived"]).filter(
        Q(opens_at__isnull=True) | Q(opens_at__lte=invitation.created_at),
        Q(closes_at__isnull=True) | Q(closes_at__gte=invitation.created_at),
    )
    return open_then.order_by("-created_at").first() or Consultation.objects.order_by("-created_at").first()


def invitations_assign(apps, schema_editor):
    Consultation = apps.get_model("consult", "Consultation")
    Invitation = apps.get_model("consult", "Invitation")
    for invitation in Invitation.objects.filter(consultation__isnull=True).iterator():
        consultation = consultation_of(Consultation, invitation)
        if consultation is None:
            invitation.delete()
            continue
        invitation.consultation = consultation
        invitation.save(update_fields=["consultation"])


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0019_incremental_figures"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="consultation",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="invitations",
                to="consult.consultation",
            ),
        ),
        migrations.RunPython(invitations_assign, migrations.RunPython.noop),
    ]
