"""Stored and reflected XSS: every field a person types, with every payload, on every page that shows it.

The payloads (xss_payloads.txt) go in through the real ways in (the registration form, the CSV
import and the paper upload in the browser; the services for answers, workflow comments and
reasons, deadline extensions and question templates), then each page that shows them is opened in
headless Chromium. The pages are opened with the Content Security Policy bypassed, so escaping alone
must stop them; the policy itself is checked on each response's headers. A payload "executes" if it
opens a dialog (alert, confirm, prompt), calls print() or sets `window.__xss`; one is "injected" if
it left an element or attribute in the DOM that could run (an on* handler, an inline script, a
javascript: URL, a frame), even one that did not fire.

Each typed value carries a marker after its payload (`zq-<field>-<n>-zq`): the markers found in a
page say which payloads of which fields it showed, and are counted.
"""

import csv
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult.models import (
    CivilSocietyOrganisation,
    Consultation,
    Invitation,
    MemberState,
    Position,
    PositionPaper,
    QuestionTemplate,
    Report,
)
from consult.services.aggregation import aggregates_rebuild
from consult.services.deadlines import deadline_extend
from consult.services.positions import position_for
from consult.services.questions import default_templates_ensure, questions_generate
from consult.services.registration import organisation_decline
from consult.services.reports.build import report_build, report_publish
from consult.services.workflow import position_reopen, position_send_back, position_send_for_review, position_submit
from surveys.models import Answer, Question, Response
from surveys.services import answers_for

from ..factories import make_consultation, make_member_state, make_organisation
from .conftest import xss_payloads

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = xss_payloads()
MARKER = re.compile(r"zq-([a-z_]+)-(\d+)-zq")
# Where a note, comment or answer is limited (the workflow forms take 4,000 characters, the decline
# reason 2,000), the payloads are spread over as many notes as it takes.
NOTE_LIMIT = 1900
# Calls a payload may make, turned into a trace the test reads (print() opens no dialog in headless).
TRAPS = "window.print = () => { window.__xss_print = 1; };"
# What escaping must never let into the DOM: the site's own pages have no inline script or handler.
INJECTED = """() => {
  const found = [];
  const urls = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster'];
  for (const element of document.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${tag}[${name}]`);
      if (name === 'srcdoc') found.push(`${tag}[srcdoc]`);
      if (urls.includes(name) && (value.startsWith('javascript:') || value.startsWith('data:text/html')))
        found.push(`${tag}[${name}=${attribute.value.slice(0, 40)}]`);
    }
    if (tag === 'script' && !element.src && !/json/.test(element.type)) found.push('inline script');
    if (['iframe', 'object', 'embed', 'base', 'frame', 'frameset'].includes(tag)) found.push(tag);
    if (tag === 'meta' && (element.httpEquiv || '').toLowerCase() === 'refresh') found.push('meta refresh');
  }
  return found;
}"""


def marked(field, number, payload):
    return f"{payload} zq-{field}-{number}-zq"


def one_each(field):
    """Return the payloads of a one-line field, each marked: one object per payload."""
    return [marked(field, number, payload) for number, payload in enumerate(PAYLOADS)]


def notes(field, limit=NOTE_LIMIT):
    """Return the payloads of a free-text field as few texts as fit the limit, one payload a line."""
    texts, current = [], ""
    for line in one_each(field):
        if current and len(current) + len(line) + 1 > limit:
            texts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*texts, current]


def markdown_escaped(text):
    """Return the text as Markdown that reads back as exactly this text (no markup, no entities)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def paper():
    """Return a Markdown paper whose area titles, headlines, recommendations and examples hold every payload.

    Areas 1 to 3 hold the payloads escaped for Markdown, so the importer reads them as text; area 4
    holds them raw, as the HTML and Markdown links an author might paste.
    """
    escaped, raw = one_each("paper"), one_each("rawpaper")
    areas = []
    for number in range(1, 4):
        chunk = escaped[number - 1::3]
        bullets = "\n".join(f"* {markdown_escaped(' '.join(chunk[i::3]))}" for i in range(3))
        areas.append(
            f"## {number}) Area {markdown_escaped(chunk[0])}\n\n**Headline {markdown_escaped(chunk[1])}.**\n\n"
            f"{bullets}\n\nFor example, {markdown_escaped(' '.join(chunk))}\n"
        )
    bullets = "\n".join(f"* Raw {' '.join(raw[i::3])}" for i in range(3))
    areas.append(f"## 4) Raw markup\n\n**Raw headline {raw[0]}.**\n\n{bullets}\n")
    return "# Position paper\n\n# Recommendations for action\n\n" + "\n".join(areas)


def session_cookie(user, url):
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": url}


class Inspector:
    """Open pages as one person and record what each page showed, ran and was protected by."""

    def __init__(self, browser, live_server, user=None):
        self.who = user.username if user is not None else "anonymous"
        self.context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
        self.context.add_init_script(TRAPS)
        if user is not None:
            self.context.add_cookies([session_cookie(user, live_server.url)])
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.dialogs = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def open(self, url, findings, expect_markers=True):
        response = self.page.goto(url)
        return self.inspect(f"{self.who} {url}", response, findings, expect_markers)

    def inspect(self, label, response, findings, expect_markers=True):
        self.page.wait_for_load_state("load")
        self.page.mouse.move(200, 200)  # Hover handlers, if any got in.
        self.page.mouse.move(400, 300)
        assert response is not None and response.status < 400, f"{label}: HTTP {response and response.status}"
        findings.check(label, response.headers, self)
        if expect_markers and not findings.pages[label]:
            findings.silent.append(label)  # A page that shows no payload checks nothing.

    def close(self):
        self.context.close()


class Findings:
    """Counts of what the pages showed and what ran."""

    def __init__(self):
        self.pages = {}  # label -> set of (field, number) markers shown
        self.executions = []
        self.injections = []
        self.csp_problems = []
        self.silent = []

    def check(self, label, headers, inspector):
        page = inspector.page
        self.pages[label] = set(MARKER.findall(page.content()))
        executed = page.evaluate("[window.__xss, window.__xss_print, window.parent.__xss]")
        if any(value is not None for value in executed) or inspector.dialogs:
            self.executions.append((label, executed, list(inspector.dialogs)))
            inspector.dialogs.clear()
            page.evaluate("delete window.__xss; delete window.__xss_print")
        injected = page.evaluate(INJECTED)
        if injected:
            self.injections.append((label, injected[:10]))
        problem = csp_problem(headers.get("content-security-policy"))
        if problem:
            self.csp_problems.append((label, problem))

    def summary(self):
        checks = sum(len(markers) for markers in self.pages.values())
        fields = {field for markers in self.pages.values() for field, _ in markers}
        return (
            f"XSS: {len(PAYLOADS)} payloads in {len(fields)} fields; {len(self.pages)} pages checked; "
            f"{checks} payload x field x page checks; executions: {len(self.executions)}; "
            f"injections: {len(self.injections)}; pages without a strict CSP: {len(self.csp_problems)}"
        )


def csp_problem(policy):
    """Return what is wrong with a Content-Security-Policy header for scripts, or None."""
    if not policy:
        return "no Content-Security-Policy header"
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        return "no script-src or default-src"
    if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "*" in scripts.split():
        return f"script-src allows {scripts}"
    return None


def answer_everything(position, texts):
    """Answer every current question of the position: texts from `texts`, the first choice otherwise."""
    response = position.response
    questions = Question.objects.filter(survey_id=response.survey_id, is_current=True).prefetch_related("choices")
    Answer.objects.filter(response=response).delete()
    texts = iter(texts)
    rows = []
    for question in questions:
        choices = [choice.value for choice in question.choices.all()]
        if question.type == Question.Type.RANKING:
            value = {code: rank for rank, code in enumerate(choices, start=1)}
        elif question.type == Question.Type.MULTIPLE_CHOICE:
            value = choices[:2]
        elif question.type in (Question.Type.LONG_TEXT, Question.Type.SHORT_TEXT):
            value = next(texts, "Nothing to add.")
        elif question.type == Question.Type.NUMBER:
            value = 1
        else:
            value = choices[0]
        rows += answers_for(response, question, value)
    Answer.objects.bulk_create(rows)


def register_in_the_browser(inspector, findings):
    """Register an organisation through the form, first with values it refuses (echoed back), then accepted."""
    page = inspector.page
    page.goto(reverse("consult:organisation-register"))
    fields = {
        "name": marked("registration", 0, PAYLOADS[5]),
        "website": "javascript:alert(1)//" + marked("registration", 1, PAYLOADS[40]).replace(" ", ""),
        "contact_name": marked("registration", 2, PAYLOADS[42]),
        "email": '"><svg onload=alert(1)>@example.org',
        "password1": "a long unusual passphrase 42",
        "password2": "a different passphrase 43",
    }
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.select_option("#id_country", "SN")
    page.select_option("#id_type", index=1)
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    inspector.inspect("registration form with errors", navigation.value, findings)
    page.fill("#id_website", 'https://example.org/"><svg/onload=alert(1)>?zq-registration-3-zq')
    page.fill("#id_email", "contact@example.org")
    page.fill("#id_password1", "a long unusual passphrase 42")
    page.fill("#id_password2", "a long unusual passphrase 42")
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    done = navigation.value.url.endswith(reverse("consult:organisation-register-done"))
    assert done, page.locator(".alert-danger").all_inner_texts()


def invite_in_the_browser(inspector, findings, consultation):
    """Import a CSV of invitations: first one whose every line is wrong (the errors echo it), then a good one."""
    page = inspector.page
    wrong = [[marked("csvcountry", n, p), marked("csvname", n, p), marked("csvemail", n, p), marked("csvrole", n, p)]
             for n, p in enumerate(PAYLOADS)]
    good = [["FRA", marked("invitation", n, p), f"invitee{n}@example.org", "drafter"] for n, p in enumerate(PAYLOADS)]
    for label, rows in [("invitation import with errors", wrong), ("invitation import", good)]:
        page.goto(reverse("consult:invitation-import", args=[consultation.slug]))
        upload = {"name": "people.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}
        page.get_by_label("CSV file").set_input_files(upload)
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        if label.endswith("errors"):
            inspector.inspect(label, navigation.value, findings)
    assert Invitation.objects.count() == len(PAYLOADS)


def csv_bytes(rows):
    stream = io.StringIO()
    csv.writer(stream).writerows([["country", "name", "email", "role"], *rows])
    return stream.getvalue().encode()


def upload_paper_in_the_browser(inspector, findings, consultation):
    page = inspector.page
    page.goto(reverse("consult:paper-upload", args=[consultation.slug]))
    content = paper().encode()
    page.get_by_label("Position paper").set_input_files(
        {"name": marked("filename", 0, PAYLOADS[6]) + ".md", "mimeType": "text/markdown", "buffer": content}
    )
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    inspector.inspect("paper preview", navigation.value, findings)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert consultation.areas.count() == 4, "the paper with payloads was not imported"


def refused_answers_in_the_browser(inspector, findings, position):
    """Send answers the page does not offer (a choice that does not exist, a word as a rank): the errors echo them."""
    page = inspector.page
    page.goto(reverse("consult:position-section", args=[position.pk, "1"]))
    page.evaluate(
        """(payloads) => {
          const form = document.querySelector('main form');
          const radio = form.querySelector('input[type=radio]');
          radio.value = payloads[0]; radio.checked = true;
          form.querySelectorAll('select').forEach((select, index) => {
            select.add(new Option(payloads[1 + index % 4], payloads[1 + index % 4], true, true));
          });
          form.querySelectorAll('textarea').forEach((text) => { text.value = payloads[5]; });
        }""",
        [marked("refused", n, PAYLOADS[n * 7]) for n in range(6)],
    )
    with page.expect_navigation() as navigation:
        page.locator("main form button[value=save]").click()
    inspector.inspect("answers refused", navigation.value, findings)
    assert "is-invalid" in page.content()


def build_data(officer, focal_point, reviewer, representative):
    """Put every payload in every other field, through the services a person's actions call."""
    france = MemberState.objects.get(iso3="FRA")
    for number, iso3 in enumerate(["SEN", "MEX", "PHL", "JOR"]):
        make_member_state(iso3)
        MemberState.objects.filter(iso3=iso3).update(name=marked("statename", number, PAYLOADS[number * 11 + 3]))
    consultation = Consultation.objects.get(slug="xss")
    default_templates_ensure()
    QuestionTemplate.objects.create(
        key="views", audience="member_state", scope="recommendation", language="en", type="single_choice",
        text=marked("template", 0, PAYLOADS[30]) + " {text}", help_text=marked("templatehelp", 0, PAYLOADS[45]),
        choices=[{"value": f"c{n}", "label": label} for n, label in enumerate(one_each("choicelabel")[:12])],
        order=99,
    )
    questions_generate(consultation=consultation)
    for number, title in enumerate(one_each("title")):
        make_consultation(title=title, slug=f"xss-title-{number}")

    state = position_for(consultation=consultation, member_state=france, actor=focal_point)
    answer_everything(state, notes("answer"))
    comments = notes("comment")
    for comment in comments:
        position_send_for_review(position=state, actor=focal_point)
        position_send_back(position=state, actor=reviewer, comment=comment)
    deadline_extend(consultation=consultation, closes_at=consultation.closes_at + timedelta(days=3),
                    reason=notes("extension")[0], actor=officer, member_state=france)
    position_send_for_review(position=state, actor=focal_point)
    position_submit(position=state, actor=focal_point, on_behalf_confirmed=True)
    for reason in notes("reopen"):
        position_reopen(position=state, actor=officer, reason=reason)
        position_send_for_review(position=state, actor=focal_point)
        position_submit(position=state, actor=focal_point, on_behalf_confirmed=True)
    Position.objects.filter(pk=state.pk).update(publication="attributed")

    organisation = representative.representations.get().organisation
    CivilSocietyOrganisation.objects.filter(pk=organisation.pk).update(name=marked("organisation", 0, PAYLOADS[12]))
    response = position_for(consultation=consultation, organisation=organisation, actor=representative)
    answer_everything(response, notes("csoanswer"))
    Response.objects.filter(pk=response.response_id).update(status="submitted", submitted_at=timezone.now())
    Position.objects.filter(pk=response.pk).update(status="submitted", submitted_at=timezone.now(),
                                                   publication="attributed", receipt_number="HLD-ORG-1")

    names, contacts = one_each("organisation"), one_each("contact")
    for number in range(1, len(PAYLOADS)):
        make_organisation(name=names[number], contact_name=contacts[number], country="SN",
                          email=f"org{number}@example.org", email_confirmed_at=timezone.now(),
                          website=f"https://example.org/?q={number}")
    for number, reason in enumerate(notes("decline")):
        declined = make_organisation(name=f"Declined {number}", email=f"declined{number}@example.org",
                                     email_confirmed_at=timezone.now())
        organisation_decline(organisation=declined, actor=officer, reason=reason, request_base_url="http://testserver")

    aggregates_rebuild(consultation=consultation)
    Consultation.objects.filter(pk=consultation.pk).update(description=notes("description")[0])
    Report.objects.create(consultation=consultation, format="docx", language="en", requested_by=officer,
                          status=Report.Status.FAILED, error=notes("reporterror")[0])
    report = Report.objects.create(consultation=consultation, format="html", language="en", requested_by=officer)
    report_build(report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    report_publish(report=report, published=True)
    return consultation, state, response, report


def admin_pages():
    """Return the change list of every model in the admin, and the change form of each model's latest object."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("consult", "surveys"):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:%s_%s_changelist" % info))
        latest = model.objects.order_by("-pk").first()
        if latest is not None:
            pages.append(reverse("admin:%s_%s_change" % info, args=[latest.pk]))
    return pages


def served_report(inspector, built, findings):
    """Open the HTML report as the download view serves it (rendered, rather than saved as a file)."""
    url = reverse("consult:report-download", args=[built.pk])
    served = inspector.page.request.get(url)
    assert served.ok, served.status
    assert served.headers["content-disposition"].startswith("attachment")
    body, headers = served.body(), served.headers
    # Saved and opened from the disk, the file has no header: it must carry its own policy.
    own_policy = re.search(rb'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', body)
    assert own_policy and csp_problem(own_policy.group(1).decode()) is None
    inspector.page.route(f"**{url}", lambda route: route.fulfill(
        status=200, body=body, headers={"content-type": headers["content-type"],
                                         "content-security-policy": headers.get("content-security-policy", "")},
    ))
    inspector.open(url, findings)
    inspector.page.unroute(f"**{url}")


def test_the_inspector_sees_a_payload_that_runs_or_got_in(browser, live_server):
    """The control: a page that shows payloads unescaped, without a policy, is caught three ways."""
    findings, inspector = Findings(), Inspector(browser, live_server)
    body = f"<!doctype html><p>{marked('control', 0, PAYLOADS[0])}</p><a href='javascript:alert(2)'>x</a>"
    inspector.page.route("**/control/", lambda route: route.fulfill(status=200, body=body, content_type="text/html"))
    inspector.open("/control/", findings)
    inspector.close()

    assert [label for label, _, dialogs in findings.executions if dialogs == ["1"]] == ["anonymous /control/"]
    assert findings.injections == [("anonymous /control/", ["inline script", "a[href=javascript:alert(2)]"])]
    assert findings.csp_problems == [("anonymous /control/", "no Content-Security-Policy header")]
    assert findings.pages["anonymous /control/"] == {("control", "0")}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # Registration limits count in Redis across runs.


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # The built report goes here, not into the checkout's media/.


def test_no_payload_runs_on_any_page_that_shows_it(
    browser, live_server, officer, focal_point_france, reviewer_france, civil_society_rep, focal_point_senegal,
):
    findings = Findings()
    consultation = make_consultation(slug="xss", title=marked("consultation", 0, PAYLOADS[0]), status="open",
                                     closes_at=timezone.now() + timedelta(days=30))
    secretariat = Inspector(browser, live_server, officer)
    upload_paper_in_the_browser(secretariat, findings, consultation)
    consultation, state, organisation_response, built = build_data(
        officer, focal_point_france, reviewer_france, civil_society_rep
    )
    invite_in_the_browser(secretariat, findings, consultation)
    invitation_link = re.search(r"https?://\S+/invitations/[\w-]{43}/", mail.outbox[-1].body).group(0)
    visitor = Inspector(browser, live_server)
    register_in_the_browser(visitor, findings)
    mail.outbox.clear()

    slug = consultation.slug
    pending = CivilSocietyOrganisation.objects.filter(accreditation="pending", name__contains="zq-").last()
    declined = CivilSocietyOrganisation.objects.filter(accreditation="declined").first()
    secretariat_pages = [
        reverse("consult:home"),
        reverse("consult:consultation-detail", args=[slug]),
        reverse("consult:questionnaire-detail", args=[slug, "member_state"]),
        reverse("consult:questionnaire-detail", args=[slug, "civil_society"]),
        reverse("consult:paper-preview", args=[slug, PositionPaper.objects.get(consultation=consultation).pk]),
        reverse("consult:position-detail", args=[state.pk]),
        reverse("consult:position-history", args=[state.pk]),
        reverse("consult:position-history", args=[state.pk]) + "?page=2",
        reverse("consult:position-receipt", args=[state.pk]),
        reverse("consult:position-reopen", args=[state.pk]),
        reverse("consult:position-receipt", args=[organisation_response.pk]),
        reverse("consult:accreditation-queue"),
        reverse("consult:accreditation-queue") + "?page=2",
        reverse("consult:organisation-decline", args=[pending.public_id]),
        reverse("consult:invitation-list", args=[slug]),
        reverse("consult:invitation-list", args=[slug]) + "?page=2",
        reverse("consult:coverage", args=[slug]),
        reverse("consult:deadline-extend", args=[slug]),
        reverse("consult:dashboard", args=[slug]),
        reverse("consult:summary", args=[slug]),
        reverse("consult:summary", args=[slug, "m49-150"]),
        reverse("consult:report-list", args=[slug]),
        reverse("consult:audit-list"),
        reverse("admin:consult_civilsocietyorganisation_change", args=[declined.pk]),
        *admin_pages(),
    ]
    for url in secretariat_pages:
        secretariat.open(url, findings, expect_markers=not url.startswith("/admin/") and "page=2" not in url)
    served_report(secretariat, built, findings)

    focal = Inspector(browser, live_server, focal_point_france)
    for url in [
        reverse("consult:my-consultations"),
        reverse("consult:position-start", args=[slug]),
        reverse("consult:position-detail", args=[state.pk]),
        *(reverse("consult:position-section", args=[state.pk, str(code)]) for code in range(1, 5)),
        reverse("consult:position-history", args=[state.pk]),
        reverse("consult:position-receipt", args=[state.pk]),
    ]:
        focal.open(url, findings)
    representative = Inspector(browser, live_server, civil_society_rep)
    for url in [
        reverse("consult:my-consultations"),
        reverse("consult:position-detail", args=[organisation_response.pk]),
        *(reverse("consult:position-section", args=[organisation_response.pk, str(code)]) for code in range(1, 5)),
        reverse("consult:position-receipt", args=[organisation_response.pk]),
    ]:
        representative.open(url, findings)
    drafter = Inspector(browser, live_server, focal_point_senegal)
    draft = position_for(consultation=consultation, member_state=MemberState.objects.get(iso3="SEN"))
    refused_answers_in_the_browser(drafter, findings, draft)
    drafter.close()
    for url in [
        urlsplit(invitation_link).path,
        reverse("consult:public-consultation", args=[slug]),
        reverse("consult:public-response", args=[slug, state.pk]),
        reverse("consult:public-response", args=[slug, organisation_response.pk]),
        reverse("consult:summary", args=[slug]),
    ]:
        visitor.open(url, findings)
    for inspector in (secretariat, focal, representative, visitor):
        inspector.close()

    fields = sorted({field for markers in findings.pages.values() for field, _ in markers})
    print("\n" + findings.summary() + "\nfields: " + ", ".join(fields))
    for label, markers in sorted(findings.pages.items()):
        print(f"  {len(markers):5d} {label}")
    assert findings.silent == []
    assert findings.executions == []
    assert findings.injections == []
    assert findings.csp_problems == []
