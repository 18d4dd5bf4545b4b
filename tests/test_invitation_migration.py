"""Migration 0020: invitations sent before they belonged to a consultation go to the one open when they were sent."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("consult", "0019_incremental_figures")]
AFTER = [("consult", "0021_invitation_consultation_required")]


def migrated(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest(db):
    """Leave the database at the latest migrations, whatever the test migrated to."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_existing_invitations_go_to_the_consultation_open_when_they_were_sent():
    apps = migrated(BEFORE)
    Consultation, Invitation = apps.get_model("consult", "Consultation"), apps.get_model("consult", "Invitation")
    grouping = apps.get_model("consult", "RegionalGrouping").objects.create(code="m49-150", name="Europe")
    france = apps.get_model("consult", "MemberState").objects.create(
        iso3="FRA", name="France", m49_code="250", region=grouping, subregion=grouping
    )
    now = timezone.now()
    earlier = Consultation.objects.create(
        slug="hld-2013", title="2013", status="closed",
        opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300),
    )
    current = Consultation.objects.create(slug="hld-2026", title="2026", status="open", opens_at=now - timedelta(days=30))
    Consultation.objects.create(slug="draft", title="Draft", status="draft")
    old = Invitation.objects.create(member_state=france, email="a@example.org", name="A", token_hash="a",
                                    expires_at=now)
    Invitation.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=350))
    recent = Invitation.objects.create(member_state=france, email="b@example.org", name="B", token_hash="b",
                                       expires_at=now)

    apps = migrated(AFTER)

    Invitation = apps.get_model("consult", "Invitation")
    assert Invitation.objects.get(pk=old.pk).consultation_id == earlier.pk
    assert Invitation.objects.get(pk=recent.pk).consultation_id == current.pk
