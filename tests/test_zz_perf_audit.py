import time
import pytest
from django.core.management import call_command
from django.utils import timezone
from consult.models import AuditEvent
from consult.services.audit import event_hash, plain_json

@pytest.mark.django_db(transaction=True)
def test_perf(django_user_model):
    user = django_user_model.objects.create(username="perf", first_name="P")
    previous, batch, total = "0" * 64, [], 100_000
    for i in range(total):
        e = AuditEvent(action="draft_saved", actor_id=user.pk, actor_name="P", details=plain_json({"section": "1", "i": i}),
                       ip_address="10.0.0.1", created_at=timezone.now(), previous_hash=previous, object_type="consult.position",
                       object_id=str(i), object_label="France – HLD")
        e.hash = event_hash(e)
        previous = e.hash
        batch.append(e)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch); batch = []
    start = time.perf_counter()
    call_command("verify_audit")
    print(f"\nPERF verify_audit {total} events: {time.perf_counter() - start:.2f} s")
