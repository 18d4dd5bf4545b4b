"""The audit trail: one event per official act, with who, what, when and from where, chained by hash."""

import re
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from consult.models import AuditEvent, CivilSocietyOrganisation, FocalPoint, Invitation, Position, Report
from consult.services.audit import GENESIS, audit_record, audit_seal, audit_verify, event_hash
from consult.services.positions import position_for
from consult.services.questions import questions_generate
from consult.services.reports.build import report_build, reports_request
from consult.services.workflow import position_send_for_review

from .factories import make_consultation, make_member_state
from .workers import wait_for
from .test_paper_upload_views import PAPER
from .test_workflow import answer_required

Action = AuditEvent.Action
PASSWORD = "a long unusual passphrase 42"
ADDRESS = "198.51.100.7"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def client_of(user=None, address=ADDRESS):
    client = Client(REMOTE_ADDR=address)
    if user is not None:
        client.force_login(user)
    return client


def only_event(action) -> AuditEvent:
    """Return the one event of the action, failing if there is none or more than one."""
    [event] = AuditEvent.objects.filter(action=action)
    return event


def assert_recorded(action, actor, obj=None, address=ADDRESS) -> AuditEvent:
    event = only_event(action)
    assert (event.actor_id, event.ip_address) == (actor.pk if actor else None, address)
    if obj is not None:
        assert (event.object_type, event.object_id) == (obj._meta.label_lower, str(obj.pk))
    return event


def verify_audit() -> str:
    """Run `manage.py verify_audit`; return what it printed, or raise CommandError."""
    out = []
    call_command("verify_audit", stdout=type("Out", (), {"write": lambda self, text: out.append(text)})())
    return "".join(out)


# The chain.


def test_an_event_records_who_what_when_from_where_and_seals_it(officer, consultation):
    audit_seal()
    before = AuditEvent.objects.first()  # Generating the consultation's questions was recorded.
    first = audit_record(action=Action.DEADLINE_EXTENDED, actor=officer, consultation=consultation,
                         obj=consultation, details={"reason": "Elections"}, ip="2001:DB8::1")
    second = audit_record(action=Action.AUDIT_EXPORTED)
    assert (first.sequence, first.hash) == (None, None)  # Chained after commit, by the sealer.

    audit_seal()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.actor_name, first.object_label, first.ip_address) == ("Olga Secretariat", consultation.title,
                                                                        "2001:db8::1")
    assert first.previous_hash == (before.hash if before else GENESIS) and second.previous_hash == first.hash
    assert AuditEvent.objects.order_by("id").first().previous_hash == GENESIS
    assert event_hash(first) == first.hash  # As read back from the database.
    assert audit_verify() is None


def test_verify_audit_reports_an_intact_chain(officer):
    for _ in range(3):
        audit_record(action=Action.REPORT_PUBLISHED, actor=officer)

    assert verify_audit().strip() == f"{AuditEvent.objects.count()} events, chain intact."
    assert AuditEvent.objects.count() >= 3


def test_a_plain_update_or_delete_is_refused_by_the_database(officer):
    event = audit_record(action=Action.REPORT_PUBLISHED, actor=officer, details={"published": True})
    audit_seal()
    audit_record(action=Action.AUDIT_EXPORTED)  # Not sealed yet.

    for statement in ("UPDATE consult_auditevent SET details = '{}'", "DELETE FROM consult_auditevent",
                      # Sealed once: its place and hashes never change again.
                      f"UPDATE consult_auditevent SET hash = md5(hash) || md5(hash) WHERE id = {event.pk}",
                      f"UPDATE consult_auditevent SET sequence = NULL WHERE id = {event.pk}",
                      # Sealing sets the place and hashes only.
                      "UPDATE consult_auditevent SET sequence = 99, hash = 'x', actor_name = 'x' WHERE hash IS NULL"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(details={})
    assert AuditEvent.objects.get(pk=event.pk).details == {"published": True}


def behind_the_trigger(statement, params):
    """Run SQL with triggers off for this transaction only, as someone with the database's keys could."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_an_event_changed_behind_the_applications_back_is_named(officer):
    events = [audit_record(action=Action.REPORT_PUBLISHED, actor=officer, details={"published": True})
              for _ in range(4)]
    audit_seal()
    behind_the_trigger("UPDATE consult_auditevent SET details = %s WHERE id = %s", ['{"published": false}',
                                                                                     events[2].pk])

    assert audit_verify() == events[2]
    with pytest.raises(CommandError, match=f"broken at event #{events[2].pk}:") as error:
        verify_audit()
    assert error.value.returncode == 1


def test_an_event_removed_is_noticed_at_the_next_one(officer):
    events = [audit_record(action=Action.REPORT_PUBLISHED, actor=officer) for _ in range(4)]
    audit_seal()
    behind_the_trigger("DELETE FROM consult_auditevent WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError, match=f"broken at event #{events[2].pk}:"):
        verify_audit()


@pytest.mark.django_db(transaction=True)
def test_twenty_writers_and_three_sealers_at_once_leave_one_intact_chain_without_gaps():
    barrier = threading.Barrier(23)
    errors = []

    def write(number):
        with transaction.atomic():
            audit_record(action=Action.DRAFT_SAVED, details={"writer": number})
            time.sleep(0.01)  # Hold the transaction a moment, as a real one would.

    def seal():
        for _ in range(10):
            audit_seal()
            time.sleep(0.002)

    def run(work, *args):
        try:
            barrier.wait()
            work(*args)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(write, number)) for number in range(20)]
    threads += [threading.Thread(target=run, args=(seal,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    audit_seal()

    assert errors == []
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    assert len(set(AuditEvent.objects.values_list("previous_hash", flat=True))) == 20
    assert audit_verify() is None


def test_an_event_out_of_its_place_in_the_sequence_is_named(officer):
    events = [audit_record(action=Action.REPORT_PUBLISHED, actor=officer) for _ in range(3)]
    audit_seal()
    behind_the_trigger("UPDATE consult_auditevent SET sequence = 7 WHERE id = %s", [events[1].pk])

    assert audit_verify() == events[2]


def test_verify_audit_seals_what_has_committed_then_checks_it(officer):
    audit_record(action=Action.REPORT_PUBLISHED, actor=officer)
    audit_record(action=Action.REPORT_PUBLISHED, actor=officer)

    assert verify_audit().strip() == "2 events, chain intact."
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_seals_each_committed_event_soon_after_the_commit(celery_worker, officer):
    cache.clear()
    with transaction.atomic():
        first = audit_record(action=Action.REPORT_PUBLISHED, actor=officer)
    assert wait_for(lambda: AuditEvent.objects.get(pk=first.pk).sequence is not None, timeout=20)
    with transaction.atomic():
        second = audit_record(action=Action.REPORT_PUBLISHED, actor=officer)
        audit_record(action=Action.REPORT_PUBLISHED, actor=officer)

    assert wait_for(lambda: not AuditEvent.objects.filter(sequence__isnull=True).exists(), timeout=20)
    second.refresh_from_db()
    assert second.sequence == 2 and second.previous_hash == AuditEvent.objects.get(pk=first.pk).hash
    assert audit_verify() is None


# Each official act, through the page where there is one.


def test_invitations_sent_resent_revoked_and_accepted_are_recorded(officer, france, consultation):
    secretariat = client_of(officer)
    secretariat.post(reverse("consult:invitation-create", args=[consultation.slug]),
                     {"member_state": "FRA", "name": "Marie Curie", "email": "marie@diplomatie.example",
                      "role": "reviewer"})
    first = Invitation.objects.get()
    assert_recorded(Action.INVITATION_SENT, officer, first)

    secretariat.post(reverse("consult:invitation-resend", args=[first.pk]))
    second = Invitation.objects.exclude(pk=first.pk).get()
    assert_recorded(Action.INVITATION_RESENT, officer, second)

    link = re.search(r"http://testserver(/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)
    client_of(address="203.0.113.20").post(link, {"password1": PASSWORD, "password2": PASSWORD})
    person = get_user_model().objects.get(email="marie@diplomatie.example")
    event = assert_recorded(Action.INVITATION_ACCEPTED, person, second, address="203.0.113.20")
    assert event.details == {
        "consultation": consultation.slug, "member_state": "FRA", "email": "marie@diplomatie.example", "role": "reviewer",
    }

    secretariat.post(reverse("consult:invitation-create", args=[consultation.slug]),
                     {"member_state": "FRA", "name": "Jean", "email": "jean@diplomatie.example", "role": "drafter"})
    third = Invitation.objects.get(email="jean@diplomatie.example")
    secretariat.post(reverse("consult:invitation-revoke", args=[third.pk]))
    assert_recorded(Action.INVITATION_REVOKED, officer, third)


def test_an_organisation_registered_accredited_or_declined_is_recorded(officer):
    registration = {
        "name": "Réseau des migrants de Dakar", "country": "SN", "type": "migrant", "website": "https://r.example",
        "contact_name": "Awa Diop", "email": "awa@reseau.example", "password1": PASSWORD, "password2": PASSWORD,
        "website_url": "",
    }
    client_of(address="203.0.113.5").post(reverse("consult:organisation-register"), registration)
    organisation = CivilSocietyOrganisation.objects.get()
    contact = get_user_model().objects.get(email="awa@reseau.example")
    assert_recorded(Action.ORGANISATION_REGISTERED, contact, organisation, address="203.0.113.5")

    organisation.email_confirmed_at = timezone.now()
    organisation.save()
    secretariat = client_of(officer)
    secretariat.post(reverse("consult:organisation-accredit", args=[organisation.public_id]))
    assert_recorded(Action.ORGANISATION_ACCREDITED, officer, organisation)

    secretariat.post(reverse("consult:organisation-decline", args=[organisation.public_id]),
                     {"reason": "Not an organisation."})
    assert assert_recorded(Action.ORGANISATION_DECLINED, officer, organisation).details["reason"] == (
        "Not an organisation.")


def test_a_draft_saved_is_recorded_once_per_sitting_however_often_it_autosaves(consultation, france,
                                                                               focal_point_france):
    position = position_for(consultation=consultation, member_state=france, actor=focal_point_france)
    page = reverse("consult:position-section", args=[position.pk, "1"])
    answers = {"1-overall": "support", "1.1-priority": "5", "1.1-practices": "A strategy.", "1-ranking_0": "2",
               "1-ranking_1": "1"}
    focal_point = client_of(focal_point_france)
    for version in range(3):
        focal_point.post(page, {"version": str(version), **answers}, HTTP_X_REQUESTED_WITH="fetch")

    event = assert_recorded(Action.DRAFT_SAVED, focal_point_france, position)
    assert event.consultation_id == consultation.pk and event.details == {"section": "1"}


def test_the_publication_choice_changed_is_recorded(consultation, france, focal_point_france):
    position = position_for(consultation=consultation, member_state=france, actor=focal_point_france)

    client_of(focal_point_france).post(reverse("consult:position-detail", args=[position.pk]),
                                       {"publication": "anonymous"})

    event = assert_recorded(Action.PUBLICATION_CHANGED, focal_point_france, position)
    assert event.details == {"from": position.publication, "to": "anonymous"}


def test_each_workflow_step_is_recorded_with_its_comment_reason_or_receipt(
    consultation, france, drafter_france, reviewer_france, focal_point_france, officer,
):
    position = position_for(consultation=consultation, member_state=france, actor=drafter_france)
    answer_required(position)
    step = lambda name: reverse(f"consult:position-{name}", args=[position.pk])  # noqa: E731

    client_of(drafter_france).post(step("send-for-review"))
    assert_recorded(Action.SENT_FOR_REVIEW, drafter_france, position)
    client_of(reviewer_france).post(step("send-back"), {"comment": "Area 2 is thin."})
    assert assert_recorded(Action.SENT_BACK, reviewer_france, position).details["comment"] == "Area 2 is thin."
    position_send_for_review(position=position, actor=drafter_france)
    client_of(focal_point_france).post(step("submit"), {"on_behalf_confirmed": "on"})
    receipt = Position.objects.get(pk=position.pk).receipt_number
    assert assert_recorded(Action.SUBMITTED, focal_point_france, position).details["receipt_number"] == receipt
    client_of(officer).post(step("reopen"), {"reason": "The mission asked to correct area 2"})
    event = assert_recorded(Action.REOPENED, officer, position)
    assert event.details["comment"] == "The mission asked to correct area 2"


def test_a_deadline_extended_is_recorded(officer, consultation, france):
    consultation.closes_at = timezone.now() + timezone.timedelta(days=2)
    consultation.save()
    closes_at = (timezone.now() + timezone.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")

    client_of(officer).post(reverse("consult:deadline-extend", args=[consultation.slug]),
                            {"member_state": "FRA", "closes_at": closes_at, "reason": "Elections"})

    event = assert_recorded(Action.DEADLINE_EXTENDED, officer, consultation.extensions.get())
    assert (event.details["reason"], event.details["member_state"]) == ("Elections", "FRA")


def test_a_paper_imported_and_questions_generated_are_recorded(officer):
    consultation = make_consultation(language="fr")
    secretariat = client_of(officer)
    preview = secretariat.post(reverse("consult:paper-upload", args=[consultation.slug]),
                               {"file": SimpleUploadedFile(PAPER.name, PAPER.read_bytes())})
    secretariat.post(preview["Location"])
    event = assert_recorded(Action.PAPER_IMPORTED, officer, consultation.papers.get())
    assert event.details["filename"] == PAPER.name and "30 created" in event.details["summary"]

    questions_generate(consultation=consultation, actor=officer)  # On a worker, from the page.

    assert_recorded(Action.QUESTIONS_GENERATED, officer, consultation, address=None)


@pytest.fixture
def eager(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    app.conf.task_always_eager = False


def test_reports_requested_built_failed_published_and_downloaded_are_recorded(eager, officer, consultation, france):
    secretariat = client_of(officer)
    with eager():
        secretariat.post(reverse("consult:report-list", args=[consultation.slug]),
                         {"regions": [france.region.code], "formats": ["html"], "language": "en"})
    report = Report.objects.get()
    assert str(report.pk) in assert_recorded(Action.REPORT_REQUESTED, officer).details["reports"]
    assert_recorded(Action.REPORT_BUILT, None, report, address=None)

    secretariat.post(reverse("consult:report-publish", args=[report.pk]), {"publish": "1"})
    assert assert_recorded(Action.REPORT_PUBLISHED, officer, report).details == {"published": True}
    secretariat.get(reverse("consult:report-download", args=[report.pk]))
    assert_recorded(Action.REPORT_DOWNLOADED, officer, report)

    broken = Report.objects.create(consultation=consultation, format="odt")
    report_build(report=broken)
    assert "odt" in assert_recorded(Action.REPORT_FAILED, None, broken, address=None).details["error"]
    secretariat.post(reverse("consult:report-retry", args=[broken.pk]))
    retried = AuditEvent.objects.filter(action=Action.REPORT_REQUESTED).first()
    assert (retried.object_id, retried.actor_id, retried.details) == (str(broken.pk), officer.pk, {"retry": True})


def test_reports_requested_outside_a_request_have_no_address(eager, officer, consultation):
    with eager():
        reports_request(consultation=consultation, groupings=[None], formats=["html"], language="en", actor=officer)

    assert_recorded(Action.REPORT_REQUESTED, officer, address=None)


def test_an_export_downloaded_is_recorded(officer, consultation):
    response = client_of(officer).get(reverse("consult:responses-export", args=[consultation.slug, "csv"]))
    b"".join(response.streaming_content)

    event = assert_recorded(Action.EXPORT_DOWNLOADED, officer)
    assert (event.consultation_id, event.details["format"]) == (consultation.pk, "csv")


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_roles_given_changed_and_taken_in_the_admin_are_recorded(officer, outsider, france):
    secretariat = client_of(officer)
    secretariat.post(admin_url(FocalPoint, "add"), {"user": outsider.pk, "member_state": france.pk, "role": "drafter"})
    role = FocalPoint.objects.get(user=outsider)
    assert assert_recorded(Action.ROLE_CHANGED, officer, role).details["change"] == "created"

    secretariat.post(admin_url(FocalPoint, "change", role.pk),
                     {"user": outsider.pk, "member_state": france.pk, "role": "submitter"})
    changed = AuditEvent.objects.filter(action=Action.ROLE_CHANGED).first()
    assert (changed.details["change"], changed.details["fields"]) == ("changed", ["role"])

    secretariat.post(admin_url(FocalPoint, "delete", role.pk), {"post": "yes"})
    deleted = AuditEvent.objects.filter(action=Action.ROLE_CHANGED).first()
    assert (deleted.details["change"], deleted.details["id"], deleted.actor_id) == ("deleted", role.pk, officer.pk)
    assert AuditEvent.objects.filter(action=Action.ROLE_CHANGED).count() == 3


def test_an_account_made_staff_is_recorded(officer, outsider):
    officer.is_superuser = True  # Only a superuser may change accounts' privileges.
    officer.save()
    form = {"username": outsider.username, "first_name": "Oscar", "is_active": "on", "is_staff": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}

    client_of(officer).post(admin_url(get_user_model(), "change", outsider.pk), form)

    event = assert_recorded(Action.ROLE_CHANGED, officer, outsider)
    assert (event.details["fields"], event.details["is_staff"]) == (["is_staff"], True)


def test_an_unchanged_role_saved_again_records_nothing(officer, outsider):
    make_member_state("SEN")
    role = FocalPoint.objects.create(user=outsider, member_state=make_member_state("MEX"), role="drafter")

    client_of(officer).post(admin_url(FocalPoint, "change", role.pk),
                            {"user": outsider.pk, "member_state": role.member_state_id, "role": "drafter"})

    assert not AuditEvent.objects.exists()
