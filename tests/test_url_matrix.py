"""Every URL of the site x every role: who gets in, who is refused, who is sent to log in.

A URL added later without a rule here fails `test_every_url_has_a_rule`, so nobody can add a
page without deciding who may reach it.
"""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from consult.models import AnalysisRun, Invitation, PositionPaper, Report, ResponseImport, Theme
from consult.services.positions import position_for
from consult.services.reports.charts import Chart, ChartRow, Panel, Segment, charts_keep

from .factories import make_organisation

ROLES = ["anonymous", "officer", "focal_point_france", "focal_point_senegal", "civil_society_rep",
         "coordinator_africa", "outsider"]
LOGGED_IN = ROLES[1:]
TOKEN = "matrix-invitation-token"

OK, DENIED, LOGIN = "ok", "denied", "login"


def only(*allowed, anonymous=LOGIN):
    """Return a rule: the named roles get in, other people are refused, anonymous as given."""
    return {role: OK if role in allowed else DENIED for role in LOGGED_IN} | {"anonymous": anonymous}


EVERYONE = dict.fromkeys(ROLES, OK)
LOGGED_IN_ONLY = dict.fromkeys(LOGGED_IN, OK) | {"anonymous": LOGIN}
SECRETARIAT = only("officer")
FRANCE = only("officer", "focal_point_france", anonymous=LOGIN)
SENEGAL = only("officer", "focal_point_senegal", "coordinator_africa", anonymous=LOGIN)

# url name -> [(kwargs name, rule for GET)]; a name may be checked on several objects.
RULES = {
    "login": [("none", EVERYONE)],
    "password_reset": [("none", EVERYONE)],
    "password_reset_done": [("none", EVERYONE)],
    "password_reset_complete": [("none", EVERYONE)],
    "password_reset_confirm": [("reset", EVERYONE)],
    "password_change": [("none", LOGGED_IN_ONLY)],
    "password_change_done": [("none", LOGGED_IN_ONLY)],
    "consult:home": [("none", EVERYONE)],
    "consult:consultation-detail": [("slug", EVERYONE)],
    "consult:consultation-create": [("none", SECRETARIAT)],
    "consult:consultation-edit": [("slug", SECRETARIAT)],
    "consult:paper-upload": [("slug", SECRETARIAT)],
    "consult:paper-preview": [("paper", SECRETARIAT)],
    "consult:response-import": [("slug", SECRETARIAT)],
    "consult:response-import-preview": [("response_import", SECRETARIAT)],
    "consult:questionnaire-detail": [("questionnaire", SECRETARIAT)],
    "consult:questionnaire-xlsform": [("questionnaire", SECRETARIAT)],
    "consult:coverage": [("slug", only("officer", "coordinator_africa"))],
    "consult:position-list": [("slug", only("officer", "coordinator_africa"))],
    "consult:responses-export": [("export", only("officer", "coordinator_africa"))],
    "consult:deadline-extend": [("slug", SECRETARIAT)],
    "consult:dashboard": [("slug", only("officer", "coordinator_africa"))],
    "consult:my-consultations": [("none", LOGGED_IN_ONLY)],
    "consult:api-tokens": [("none", LOGGED_IN_ONLY)],
    # Someone who answers for nobody is sent back to their consultations with a message.
    "consult:position-start": [("slug", LOGGED_IN_ONLY)],
    "consult:position-detail": [("france", FRANCE), ("senegal", SENEGAL)],
    "consult:position-section": [("france_area", FRANCE), ("senegal_area", SENEGAL)],
    "consult:position-offline-download": [("france", FRANCE), ("senegal", SENEGAL)],
    "consult:position-offline-document": [("france", FRANCE), ("senegal", SENEGAL)],
    "consult:position-offline-upload": [("france", only("focal_point_france", anonymous=LOGIN)),
                                        ("senegal", only("focal_point_senegal", anonymous=LOGIN))],
    "consult:position-history": [("france", FRANCE), ("senegal", only("officer", "focal_point_senegal"))],
    "consult:position-answers": [("france", FRANCE), ("senegal", SENEGAL)],
    "consult:position-send-for-review": [("france", only("focal_point_france"))],
    "consult:position-send-back": [("france", only("focal_point_france"))],
    "consult:position-submit": [("france", only("focal_point_france"))],
    "consult:position-reopen": [("france", SECRETARIAT)],
    "consult:invitation-list": [("slug", SECRETARIAT)],
    "consult:invitation-index": [("none", SECRETARIAT)],
    "consult:invitation-index-create": [("none", SECRETARIAT)],
    "consult:invitation-index-import": [("none", SECRETARIAT)],
    "consult:invitation-create": [("slug", SECRETARIAT)],
    "consult:invitation-import": [("slug", SECRETARIAT)],
    "consult:invitation-accept": [("token", EVERYONE)],
    "consult:organisation-register": [("none", EVERYONE)],
    "consult:organisation-register-done": [("none", EVERYONE)],
    "consult:accreditation-queue": [("none", SECRETARIAT)],
    "consult:organisation-decline": [("organisation", SECRETARIAT)],
    "consult:report-list": [("slug", only("officer", "coordinator_africa"))],
    "consult:report-status": [("report", only("officer", "coordinator_africa", anonymous=DENIED)),
                              ("published_report", EVERYONE)],
    "consult:report-download": [("report", only("officer", "coordinator_africa")), ("published_report", EVERYONE)],
    # A chart link is its viewer's own: here the officer's, kept when a page showed it to them.
    "consult:chart": [("officer_chart", only("officer", anonymous=DENIED))],
    "consult:summary": [("slug", SECRETARIAT), ("africa_summary", only("officer", "coordinator_africa")),
                        ("published_summary", EVERYONE)],
    "consult:public-consultation": [("slug", EVERYONE)],
    "consult:public-open-data": [("slug", EVERYONE)],
    "consult:audit-list": [("none", SECRETARIAT)],
    "consult:audit-export": [("none", SECRETARIAT)],
    "consult:task-failures": [("none", SECRETARIAT)],
    "consult:theme-overview": [("slug", only("officer", "coordinator_africa"))],
    "consult:theme-question": [("text_question", only("officer", "coordinator_africa"))],
    "consult:theme-answers": [("text_question", only("officer", "coordinator_africa"))],
    "consult:theme-detail": [("theme", only("officer", "coordinator_africa"))],
    "consult:analysis-status": [("slug", SECRETARIAT)],
    "consult:themes-export-json": [("slug", SECRETARIAT)],
    "consult:themes-export-xlsx": [("slug", SECRETARIAT)],
}
# Pages that exist only in some states (a receipt once submitted) or answer POST only: checked
# by POST for the people who must be refused, and by their own tests for the others.
POST_ONLY = {
    "set_language": [("none", EVERYONE)],
    "logout": [("none", EVERYONE)],
    "consult:questions-generate": [("slug", SECRETARIAT)],
    "consult:invitation-resend": [("invitation", SECRETARIAT)],
    "consult:invitation-revoke": [("invitation", SECRETARIAT)],
    "consult:invitation-request-new": [("token", EVERYONE)],
    "consult:organisation-accredit": [("organisation", SECRETARIAT)],
    "consult:organisation-confirm-email": [("email_token", EVERYONE)],
    "consult:report-retry": [("report", SECRETARIAT)],
    "consult:report-publish": [("report", SECRETARIAT)],
    # Any task id will do: whoever is refused is refused before the failure is looked up.
    "consult:task-failure-dismiss": [("failure", SECRETARIAT)],
    "consult:themes-analyse": [("slug", SECRETARIAT)],
    "consult:theme-review-done": [("text_question", SECRETARIAT)],
    "consult:theme-answers-reviewed": [("text_question", SECRETARIAT)],
    "consult:theme-answer-move": [("text_question", SECRETARIAT)],
    "consult:theme-answer-flag": [("text_question", SECRETARIAT)],
    "consult:theme-accept": [("theme", SECRETARIAT)],
    "consult:theme-discard": [("theme", SECRETARIAT)],
    "consult:theme-edit": [("theme", SECRETARIAT)],
    "consult:theme-merge": [("theme", SECRETARIAT)],
    "consult:theme-answers-choose": [("theme", SECRETARIAT)],
}
AFTER_SUBMISSION = {
    "consult:position-receipt": [("france", FRANCE)],
    "consult:position-receipt-pdf": [("france", FRANCE)],
    # A submitted position published with attribution (the default for states) is public.
    "consult:public-response": [("public_france", EVERYONE)],
}


def site_url_names():
    """Return the names of every URL of the site outside the admin."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_url_has_a_rule():
    # The API's URLs have their own matrix, by token: tests/test_api_matrix.py.
    pages = {name for name in site_url_names() if not name.startswith("api:")}
    assert pages - (set(RULES) | set(POST_ONLY) | set(AFTER_SUBMISSION)) == set()


@pytest.fixture
def world(request, consultation, officer, focal_point_france, focal_point_senegal, civil_society_rep,
          coordinator_africa, outsider, france, senegal, settings, tmp_path):
    people = {role: request.getfixturevalue(role) for role in LOGGED_IN}
    france_position = position_for(consultation=consultation, member_state=france)
    senegal_position = position_for(consultation=consultation, member_state=senegal)
    invitation = Invitation.objects.create(
        consultation=consultation, member_state=france, email="new@example.org", name="New Person",
        token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(), expires_at=timezone.now() + timedelta(days=3),
    )
    paper = PositionPaper.objects.create(consultation=consultation, filename="p.md", content=b"# x", sha256="0" * 64)
    organisation = make_organisation(name="Pending Organisation")
    theme = Theme.objects.create(consultation=consultation, question_code="1.1-own_work", label="Theme")
    AnalysisRun.objects.create(consultation=consultation, status=AnalysisRun.Status.DONE)
    settings.MEDIA_ROOT = tmp_path
    response_import = ResponseImport.objects.create(consultation=consultation, filename="r.csv",
                                                    file=ContentFile(b"x", name="r.csv"), sha256="0" * 64)
    report = make_built_report(consultation, senegal.region)
    published_report = make_built_report(consultation, france.region, is_published=True)
    bars = ChartRow("Governments", [Segment("Support", 1.0, "100%", "#2166ac")])
    [chart_token] = charts_keep([Chart(panels=[Panel(title="1.1", rows=[bars])], alt="")], viewer=officer.pk)
    kwargs = {
        "none": {},
        "slug": {"slug": consultation.slug},
        "export": {"slug": consultation.slug, "format": "csv"},
        "paper": {"slug": consultation.slug, "paper_id": paper.pk},
        "response_import": {"slug": consultation.slug, "import_id": response_import.pk},
        "questionnaire": {"slug": consultation.slug, "audience": "member_state"},
        "france": {"position_id": france_position.pk},
        "senegal": {"position_id": senegal_position.pk},
        "france_area": {"position_id": france_position.pk, "code": "1"},
        "senegal_area": {"position_id": senegal_position.pk, "code": "1"},
        "token": {"token": TOKEN},
        "email_token": {"token": "not-a-valid-token"},
        "invitation": {"pk": invitation.pk},
        "organisation": {"public_id": organisation.public_id},
        "failure": {"task_id": "5b0c8a52-3c4e-4f7e-9a55-2f1d0c6b8e11"},
        "reset": {"uidb64": "MQ", "token": "set-password"},
        "report": {"report_id": report.pk},
        "published_report": {"report_id": published_report.pk},
        "africa_summary": {"slug": consultation.slug, "grouping_code": senegal.region.code},
        "published_summary": {"slug": consultation.slug, "grouping_code": france.region.code},
        "public_france": {"slug": consultation.slug, "position_id": france_position.pk},
        "text_question": {"slug": consultation.slug, "code": "1.1-own_work"},
        "theme": {"slug": consultation.slug, "code": "1.1-own_work", "theme_id": theme.public_id},
        "officer_chart": {"token": chart_token},
    }
    return people, kwargs


def make_built_report(consultation, grouping, **fields):
    report = Report.objects.create(consultation=consultation, grouping=grouping, format="html", status="done",
                                   data_cutoff=timezone.now(), **fields)
    report.file.save("summary.html", ContentFile(b"<p>summary</p>"))
    return report


def outcome(response):
    if response.status_code in (403, 404):
        return DENIED
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    assert response.status_code < 500, f"server error {response.status_code}"
    return OK


def cases(rules):
    return [(name, objects, rule) for name, checks in rules.items() for objects, rule in checks]


def client_for(client, people, role):
    client.logout()
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.mark.parametrize("name, objects, rule", cases(RULES), ids=lambda value: value if isinstance(value, str) else "")
def test_get_answers_each_role_as_the_rule_says(client, world, name, objects, rule):
    people, kwargs = world
    url = reverse(name, kwargs=kwargs[objects])
    seen = {role: outcome(client_for(client, people, role).get(url)) for role in ROLES}
    assert seen == rule


@pytest.mark.parametrize(
    "name, objects, rule", cases(RULES | POST_ONLY | AFTER_SUBMISSION),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_post_by_anyone_the_rule_refuses_changes_nothing(client, world, name, objects, rule):
    people, kwargs = world
    url = reverse(name, kwargs=kwargs[objects])
    for role in ROLES:
        if rule[role] == OK:
            continue
        response = client_for(client, people, role).post(url, {"reason": "x", "comment": "x", "on_behalf": "on"})
        assert outcome(response) == rule[role], f"{role} POST {url}: {response.status_code}"


def test_the_admin_is_for_staff_only(client, world):
    people, _ = world
    for role in ROLES:
        response = client_for(client, people, role).get(reverse("admin:index"))
        expected = 200 if role == "officer" else 302
        assert response.status_code == expected, role


def test_only_respondents_get_a_position_from_the_start_page(client, world, consultation):
    people, kwargs = world
    url = reverse("consult:position-start", kwargs=kwargs["slug"])
    for role in ["officer", "coordinator_africa", "outsider"]:
        client_for(client, people, role).post(url)

    respondents = {str(position.respondent) for position in consultation.positions.all()}
    assert respondents == {"France", "Senegal"}


@pytest.mark.parametrize("name, objects, rule", cases(AFTER_SUBMISSION), ids=lambda value: value if isinstance(value, str) else "")
def test_a_receipt_is_shown_as_the_rule_says_once_submitted(client, world, consultation, name, objects, rule):
    people, kwargs = world
    consultation.positions.filter(pk=kwargs["france"]["position_id"]).update(
        status="submitted", receipt_number="HLD-FRA-2026-MATRIX", submitted_at=timezone.now(),
        submitted_by=people["focal_point_france"],
    )
    url = reverse(name, kwargs=kwargs[objects])
    seen = {role: outcome(client_for(client, people, role).get(url)) for role in ROLES}
    assert seen == rule
