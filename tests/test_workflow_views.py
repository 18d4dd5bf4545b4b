"""Workflow pages: who may take which step, the receipt in HTML and PDF, and the panel."""

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from consult.models import Position, PositionEvent, RegionalCoordinator
from consult.services.positions import position_for
from consult.services.workflow import position_send_back, position_send_for_review, position_submit
from surveys.models import Answer

from .factories import make_grouping, make_open_consultation, make_user
from .test_workflow import answer_required, draft_of, reviewed

STEPS = ["position-send-for-review", "position-send-back", "position-submit", "position-reopen"]
PAGES = ["position-history", "position-receipt", "position-receipt-pdf"]


def url(name, position):
    return reverse(f"consult:{name}", args=[position.pk])


def said(response):
    """Return the messages the response left for the next page."""
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def submitted(consultation, france, drafter, submitter):
    position = reviewed(consultation, france, drafter)
    return position_submit(position=position, actor=submitter, on_behalf_confirmed=True)


@pytest.fixture
def coordinator_europe(france):
    user = make_user("coord-europe", first_name="Eva")
    RegionalCoordinator.objects.create(user=user, grouping=make_grouping("m49-150"))
    return user


@pytest.mark.parametrize("name", STEPS + PAGES)
def test_anonymous_people_are_sent_to_log_in(client, consultation, france, drafter_france, name):
    position = draft_of(consultation, france, drafter_france)

    response = client.get(url(name, position))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", STEPS + PAGES)
def test_people_who_cannot_see_the_position_get_404(
    client, consultation, france, drafter_france, focal_point_france, focal_point_senegal, coordinator_africa,
    civil_society_rep, outsider, name,
):
    position = submitted(consultation, france, drafter_france, focal_point_france)

    for person in (focal_point_senegal, coordinator_africa, civil_society_rep, outsider):
        client.force_login(person)
        assert client.get(url(name, position)).status_code == 404, person
        assert client.post(url(name, position), {"comment": "x", "reason": "x"}).status_code == 404, person


@pytest.mark.parametrize(
    ("name", "allowed", "refused"),
    [
        ("position-send-for-review", ["drafter_france", "focal_point_france"], ["officer", "coordinator_europe"]),
        ("position-send-back", ["reviewer_france", "focal_point_france"], ["drafter_france", "officer"]),
        ("position-submit", ["focal_point_france"], ["drafter_france", "reviewer_france", "officer"]),
        ("position-reopen", ["officer"], ["focal_point_france", "reviewer_france", "coordinator_europe"]),
        ("position-history", ["officer", "drafter_france"], ["coordinator_europe"]),
    ],
)
def test_each_step_is_open_to_its_roles_only(request, client, consultation, france, name, allowed, refused):
    position = draft_of(consultation, france, request.getfixturevalue("drafter_france"))

    for person in allowed:
        client.force_login(request.getfixturevalue(person))
        assert client.get(url(name, position)).status_code == 200, person
    for person in refused:
        client.force_login(request.getfixturevalue(person))
        assert client.get(url(name, position)).status_code == 403, person


def test_a_complete_position_is_sent_for_review_in_one_post(client, consultation, france, drafter_france):
    position = draft_of(consultation, france, drafter_france)
    client.force_login(drafter_france)

    response = client.post(url("position-send-for-review", position))

    assert response.status_code == 302
    assert response.url == reverse("consult:position-detail", args=[position.pk])
    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW


def test_an_incomplete_position_is_sent_for_review_only_once_confirmed(client, consultation, france, drafter_france):
    position = draft_of(consultation, france, drafter_france, answered=False)
    client.force_login(drafter_france)

    warned = client.post(url("position-send-for-review", position))

    page = warned.content.decode()
    assert warned.status_code == 200
    assert "Only 0 of 14 required answers are given" in page
    assert f'href="{reverse("consult:position-section", args=[position.pk, "1"])}?check=1"' in page
    assert "7 required answers missing" in page and "1.1-priority" not in page
    position.refresh_from_db()
    assert position.status == Position.Status.DRAFT

    confirmed = client.post(url("position-send-for-review", position), {"incomplete_confirmed": "1"})

    assert confirmed.status_code == 302
    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW


def test_the_secretariat_cannot_send_a_position_for_review(client, consultation, france, drafter_france, officer):
    position = draft_of(consultation, france, drafter_france)
    client.force_login(officer)

    assert client.post(url("position-send-for-review", position)).status_code == 403


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(consultation, france, drafter_france):
    position = draft_of(consultation, france, drafter_france)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(drafter_france)

    assert browser.post(url("position-send-for-review", position)).status_code == 403
    position.refresh_from_db()
    assert position.status == Position.Status.DRAFT


def test_the_submit_page_asks_for_the_on_behalf_confirmation(
    client, consultation, france, drafter_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)
    client.force_login(focal_point_france)

    page = client.get(url("position-submit", position)).content.decode()
    refused = client.post(url("position-submit", position), {})

    assert "I confirm this position is submitted on behalf of the Government of France" in page
    assert refused.status_code == 200
    assert "Confirm that the position is submitted on behalf of the Government of France" in refused.content.decode()
    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW


def test_the_submit_page_is_a_check_of_the_answers_in_words_with_links_to_change_them(
    client, consultation, france, drafter_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)
    client.force_login(focal_point_france)

    page = client.get(url("position-submit", position)).content.decode()

    assert "Check the answers, then submit" in page
    assert '<dt class="summary-list-key">Recommendation 1.1' in page
    assert "What priority does your Government give to this recommendation?" in page
    assert f'href="{reverse("consult:position-section", args=[position.pk, "1"])}#recommendation-1.1"' in page
    assert "1.1-priority" not in page and "required answers missing" not in page


def test_the_submit_page_of_an_incomplete_position_says_what_is_missing(
    client, consultation, france, drafter_france, focal_point_france
):
    position = draft_of(consultation, france, drafter_france, answered=False)
    position = position_send_for_review(position=position, actor=drafter_france)
    client.force_login(focal_point_france)

    page = client.get(url("position-submit", position)).content.decode()

    assert "14 required answers are missing: the submission will be refused until they are given" in page
    assert "Not answered (required)" in page
    assert "Send the position back to drafting to complete it." in page


def test_submitting_through_the_page_twice_gives_one_receipt(
    client, consultation, france, drafter_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)
    client.force_login(focal_point_france)

    first = client.post(url("position-submit", position), {"on_behalf_confirmed": "on"})
    client.post(url("position-submit", position), {"on_behalf_confirmed": "on"})

    position.refresh_from_db()
    assert position.receipt_number in said(first)
    assert position.events.filter(action=PositionEvent.Action.SUBMITTED).count() == 1


def test_a_refused_step_says_why_and_changes_nothing(client, consultation, france, drafter_france, focal_point_france):
    position = draft_of(consultation, france, drafter_france)
    client.force_login(focal_point_france)

    response = client.post(url("position-submit", position), {"on_behalf_confirmed": "on"})

    assert response.url == reverse("consult:position-detail", args=[position.pk])
    assert "Send the position for review first" in said(response)
    position.refresh_from_db()
    assert position.status == Position.Status.DRAFT


def test_sending_back_without_a_comment_shows_the_error(client, consultation, france, drafter_france, reviewer_france):
    position = reviewed(consultation, france, drafter_france)
    client.force_login(reviewer_france)

    response = client.post(url("position-send-back", position), {"comment": ""})

    assert response.status_code == 200
    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW


def test_the_secretariat_reopens_with_a_reason(
    client, consultation, france, drafter_france, focal_point_france, officer
):
    position = submitted(consultation, france, drafter_france, focal_point_france)
    client.force_login(officer)

    client.post(url("position-reopen", position), {"reason": "The mission asked to correct area 2"})

    position.refresh_from_db()
    assert position.status == Position.Status.REOPENED
    assert position.events.last().comment == "The mission asked to correct area 2"


def test_there_is_no_receipt_before_submission(client, consultation, france, drafter_france, focal_point_france):
    position = reviewed(consultation, france, drafter_france)
    client.force_login(focal_point_france)

    assert client.get(url("position-receipt", position)).status_code == 404
    assert client.get(url("position-receipt-pdf", position)).status_code == 404


@pytest.mark.parametrize("person", ["focal_point_france", "officer", "coordinator_europe"])
def test_people_who_see_the_position_get_its_receipt(
    request, client, consultation, france, drafter_france, focal_point_france, person
):
    position = submitted(consultation, france, drafter_france, focal_point_france)
    client.force_login(request.getfixturevalue(person))

    page = client.get(url("position-receipt", position))
    pdf = client.get(url("position-receipt-pdf", position))

    text = page.content.decode()
    assert position.receipt_number in text
    assert "Submitted on behalf of the Government of France" in text
    assert "Fabienne" in text
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="receipt-{position.receipt_number}.pdf"'
    assert pdf.content.startswith(b"%PDF")


def test_the_receipt_quotes_each_recommendation_once_then_each_answer_with_its_question(
    client, consultation, france, drafter_france, focal_point_france
):
    position = submitted(consultation, france, drafter_france, focal_point_france)
    answer = Answer.objects.select_related("question", "choice").get(
        response=position.response, question__code="1.1-priority"
    )
    client.force_login(focal_point_france)

    text = client.get(url("position-receipt", position)).content.decode()

    assert ">Recommendation 1.1</span></h3>" in text
    assert text.count("Recommendation 1.1.<") == 1  # its text, quoted once for its questions
    assert answer.question.prompt in text and answer.choice.label in text
    assert "Not answered" in text  # the optional questions left empty
    assert "1.1-priority" not in text


def test_the_receipt_names_the_person_and_its_reference_copies_as_its_characters(
    client, consultation, france, drafter_france, focal_point_france
):
    position = submitted(consultation, france, drafter_france, focal_point_france)
    client.force_login(focal_point_france)

    text = client.get(url("position-receipt", position)).content.decode()

    assert "Fabienne (fp-france@example.org)" in text
    assert "Submitted on behalf of the Government of France" in text
    assert "fp-france<" not in text and "fp-france " not in text  # The username is not shown.
    assert f'<span class="code receipt-reference" dir="ltr">{position.receipt_number}</span>' in text
    assert not any(isolate in text for isolate in "\u2066\u2067\u2068\u2069")


def test_the_receipt_escapes_html_typed_in_an_answer(client, consultation, france, drafter_france, focal_point_france):
    position = draft_of(consultation, france, drafter_france)
    practices = position.response.survey.questions.get(code="1.1-practices", is_current=True)
    Answer.objects.create(response=position.response, question=practices, text='<script>alert("x")</script><b>bold</b>')
    position = position_send_for_review(position=position, actor=drafter_france)
    position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)
    client.force_login(focal_point_france)

    text = client.get(url("position-receipt", position)).content.decode()
    pdf = client.get(url("position-receipt-pdf", position))

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in text
    assert "<script>alert" not in text
    assert pdf.content.startswith(b"%PDF")


def test_an_arabic_receipt_is_right_to_left(client, france, drafter_france, focal_point_france):
    consultation = make_open_consultation(slug="hld", language="ar")
    position = submitted(consultation, france, drafter_france, focal_point_france)
    client.force_login(focal_point_france)

    text = client.get(url("position-receipt", position)).content.decode()
    pdf = client.get(url("position-receipt-pdf", position))

    assert 'class="receipt-answers" lang="ar" dir="rtl"' in text
    assert pdf.content.startswith(b"%PDF")


def panel(position, user):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("consult/workflow/_panel.html", {"position": position}, request=request)


def test_the_panel_offers_each_person_their_steps(
    consultation, france, drafter_france, reviewer_france, focal_point_france, officer
):
    position = draft_of(consultation, france, drafter_france)
    assert "Send for review" in panel(position, drafter_france)

    position = position_send_for_review(position=position, actor=drafter_france)
    assert url("position-send-back", position) in panel(position, reviewer_france)
    assert url("position-submit", position) not in panel(position, reviewer_france)
    assert url("position-submit", position) in panel(position, focal_point_france)

    position = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)
    assert url("position-reopen", position) in panel(position, officer)
    assert url("position-reopen", position) not in panel(position, focal_point_france)
    assert url("position-receipt-pdf", position) in panel(position, focal_point_france)


def test_the_panel_shows_the_send_back_comment_and_the_history_to_the_state_only(
    consultation, france, drafter_france, reviewer_france, coordinator_europe
):
    position = reviewed(consultation, france, drafter_france)
    position = position_send_back(position=position, actor=reviewer_france, comment="<i>Area 2</i> is thin")

    mine = panel(position, drafter_france)
    theirs = panel(position, coordinator_europe)
    assert "&lt;i&gt;Area 2&lt;/i&gt; is thin" in mine
    assert "Romain" in mine
    assert "Area 2" not in theirs
    assert "Sent for review" not in theirs


def test_civil_society_submits_without_the_government_confirmation(client, consultation, civil_society_rep):
    organisation = civil_society_rep.representations.get().organisation
    position = position_for(consultation=consultation, organisation=organisation, actor=civil_society_rep)
    answer_required(position)
    client.force_login(civil_society_rep)

    page = client.get(url("position-submit", position)).content.decode()
    client.post(url("position-submit", position), {})

    position.refresh_from_db()
    assert "on behalf of the Government" not in page
    assert position.status == Position.Status.SUBMITTED
    assert client.get(url("position-receipt", position)).status_code == 200


def test_the_position_page_carries_the_workflow_panel(client, consultation, france, drafter_france):
    position = draft_of(consultation, france, drafter_france)
    client.force_login(drafter_france)

    page = client.get(reverse("consult:position-detail", args=[position.pk])).content.decode()

    assert f'action="{url("position-send-for-review", position)}"' in page
