"""The authorisation matrix, extended to every download, every grouping scope and every client-chosen parameter.

It reuses the people, objects and outcome rules of tests/test_url_matrix.py (which checks every
named URL for GET and refused POSTs) and adds what that table does not reach: receipts, built
reports in every format and state, raw exports in every format and audience, public downloads,
summary pages for each kind of grouping, and the query or form parameters that must never widen
what a person sees. It prints how many (URL x role x object) checks were made; any success that
a rule refuses fails the test.
"""

import csv
import io
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from consult.models import Invitation, Position, RegionalGrouping
from consult.services.positions import position_for
from surveys.models import Response

from ..factories import make_grouping
from ..test_url_matrix import (
    AFTER_SUBMISSION,
    DENIED,
    EVERYONE,
    OK,
    POST_ONLY,
    ROLES,
    RULES,
    SECRETARIAT,
    client_for,
    make_built_report,
    only,
    outcome,
    world,  # noqa: F401  (the fixture: people and objects)
)

AFRICA = only("officer", "coordinator_africa")
NOBODY = only()  # Logged-in people are refused; anonymous visitors are asked to log in.
ALL_FORMATS = ["html", "docx", "pdf", "xlsx", "csv_answers", "xlsx_answers"]
# URL parameters that name public things (a consultation, a grouping, an area, an audience, a
# format) or carry a secret (a token); everything else an URL addresses is a UUID.
NAMES_AND_TOKENS = {"slug", "grouping_code", "code", "audience", "format", "token", "uidb64"}


def site_patterns():
    """Yield (name, pattern) for every URL outside the admin."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern

    return walk(get_resolver().url_patterns)


def test_no_url_addresses_an_object_by_a_guessable_id():
    guessable = []
    for name, pattern in site_patterns():
        for parameter, converter in getattr(pattern.pattern, "converters", {}).items():
            if isinstance(converter, IntConverter) or (
                parameter not in NAMES_AND_TOKENS and not isinstance(converter, UUIDConverter)
            ):
                guessable.append(f"{name}: {parameter}")
    assert guessable == []


@pytest.fixture
def submitted(world, consultation, france, senegal, civil_society_rep):
    """Submit the positions of France, Senegal and the French organisation (confidential by default)."""
    people, kwargs = world
    organisation = civil_society_rep.representations.get().organisation
    cso = position_for(consultation=consultation, organisation=organisation)
    positions = {"france": kwargs["france"]["position_id"], "senegal": kwargs["senegal"]["position_id"], "cso": cso.pk}
    for key, pk in positions.items():
        Position.objects.filter(pk=pk).update(
            status=Position.Status.SUBMITTED, receipt_number=f"HLD-{key.upper()}-2026-MATRIX",
            submitted_at=timezone.now(),
        )
        Response.objects.filter(position__pk=pk).update(status=Response.Status.SUBMITTED)
    return people, kwargs, positions


@pytest.fixture
def download_cases(submitted, consultation, france, senegal):
    """Return [(label, url, rule)]: every download and summary, each with who may have it."""
    people, kwargs, positions = submitted
    africa, europe = senegal.region, france.region
    commission = make_grouping("eca", name="ECA", kind=RegionalGrouping.Kind.REGIONAL_COMMISSION)
    process = make_grouping("midwa", name="MIDWA", kind=RegionalGrouping.Kind.RCP)
    for grouping in (commission, process):
        senegal.groupings.add(grouping)
    cases = []

    def add(label, name, rule, **url_kwargs):
        cases.append((label, reverse(name, kwargs=url_kwargs), rule))

    receipts = {"france": only("officer", "focal_point_france"),
                "senegal": only("officer", "focal_point_senegal", "coordinator_africa"),
                "cso": only("officer", "civil_society_rep")}
    for key, rule in receipts.items():
        for name in ("consult:position-receipt", "consult:position-receipt-pdf"):
            add(f"{name} {key}", name, rule, position_id=positions[key])
    public = {"france": EVERYONE, "senegal": EVERYONE, "cso": dict.fromkeys(ROLES, DENIED)}  # cso: confidential
    for key, rule in public.items():
        add(f"public response {key}", "consult:public-response", rule, slug=consultation.slug,
            position_id=positions[key])

    reports = [
        ("Africa", africa, {}, AFRICA),
        ("Europe", europe, {}, SECRETARIAT),
        ("world", None, {}, SECRETARIAT),
        ("Europe published", europe, {"is_published": True}, EVERYONE),
        ("Africa building", africa, {"status": "running"}, NOBODY),
        ("Europe failed, published", europe, {"status": "failed", "is_published": True}, NOBODY),
    ]
    for label, grouping, fields, rule in reports:
        for format in ALL_FORMATS:
            report = make_built_report(consultation, grouping)
            type(report).objects.filter(pk=report.pk).update(format=format, **fields)
            # A raw export names respondents: never public, even marked published.
            expected = SECRETARIAT if format.endswith("_answers") and rule is EVERYONE else rule
            add(f"report {label} {format}", "consult:report-download", expected, report_id=report.pk)

    for format in ("csv", "xlsx"):
        for audience in ("", "member_state", "civil_society"):
            url = reverse("consult:responses-export", kwargs={"slug": consultation.slug, "format": format})
            cases.append((f"export {format} {audience or 'all'}", f"{url}?audience={audience}", AFRICA))
    add("export pdf", "consult:responses-export", NOBODY, slug=consultation.slug, format="pdf")

    summaries = [
        ("world", None, SECRETARIAT),
        ("Africa", africa, AFRICA),
        ("Africa's sub-region", senegal.subregion, SECRETARIAT),
        ("Europe (published)", europe, EVERYONE),
        ("Europe's sub-region", france.subregion, SECRETARIAT),
        ("regional commission", commission, SECRETARIAT),
        ("regional consultative process", process, SECRETARIAT),
    ]
    for label, grouping, rule in summaries:
        codes = {"grouping_code": grouping.code} if grouping else {}
        add(f"summary {label}", "consult:summary", rule, slug=consultation.slug, **codes)
    add("summary of an unknown grouping", "consult:summary", dict.fromkeys(ROLES, DENIED),
        slug=consultation.slug, grouping_code="m49-999")
    return people, cases


def test_every_download_and_summary_reaches_only_whom_its_rule_allows(client, download_cases):
    people, cases = download_cases
    unauthorised, refused = [], []
    for label, url, rule in cases:
        for role in ROLES:
            response = client_for(client, people, role).get(url)
            seen = outcome(response)
            if response.streaming:  # Read to the end: the test client then closes it as a server would.
                b"".join(response.streaming_content)
            if seen == OK and rule[role] != OK:
                unauthorised.append(f"{role} got {label} ({url})")
            elif seen != rule[role]:
                refused.append(f"{role} {label}: {seen}, expected {rule[role]}")

    checks = len(cases) * len(ROLES)
    print(f"\nauthorisation: {matrix_count()} checks in tests/test_url_matrix.py, {checks} download and summary "
          f"checks here ({len(cases)} URLs x {len(ROLES)} roles), {len(unauthorised)} unauthorised successes")
    assert unauthorised == []
    assert refused == []


def matrix_count() -> int:
    """Return how many (URL x role x object) checks tests/test_url_matrix.py makes."""
    gets = sum(len(checks) for checks in (RULES | AFTER_SUBMISSION).values()) * len(ROLES)
    posts = sum(
        sum(1 for role in ROLES if rule[role] != OK)
        for checks in (RULES | POST_ONLY | AFTER_SUBMISSION).values() for _objects, rule in checks
    )
    return gets + posts


# Scope always comes from the object and the person, never from what the client sends.


def export_rows(response, format) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    if format == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return [[str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("audience", ["", "member_state", "civil_society"])
def test_a_coordinators_export_holds_their_region_whatever_the_audience_asked(client, submitted, format, audience):
    people, kwargs, _positions = submitted
    client.force_login(people["coordinator_africa"])
    url = reverse("consult:responses-export", kwargs={"slug": "hld", "format": format})

    text = " ".join(" ".join(row) for row in export_rows(client.get(url, {"audience": audience}), format))

    assert "France" not in text and "Diaspora Forum" not in text
    assert ("Senegal" in text) == (audience != "civil_society")


def test_a_coordinator_cannot_widen_the_coverage_page_with_another_region(client, world, france):
    people, kwargs = world
    client.force_login(people["coordinator_africa"])

    page = client.get(reverse("consult:coverage", kwargs=kwargs["slug"]), {"region": france.region.code})

    assert page.status_code == 200
    assert "France" not in page.content.decode()
    assert "Senegal" in page.content.decode()


def test_a_coordinator_cannot_build_reports(client, world, consultation):
    people, kwargs = world
    client.force_login(people["coordinator_africa"])
    before = consultation.reports.count()

    response = client.post(reverse("consult:report-list", kwargs=kwargs["slug"]),
                           {"all_regions": "on", "formats": ["html"], "language": "en"})

    assert response.status_code == 403
    assert consultation.reports.count() == before


def test_a_focal_point_cannot_open_another_states_position_by_naming_it(client, world, consultation, senegal):
    people, kwargs = world
    client.force_login(people["focal_point_france"])

    response = client.post(reverse("consult:position-start", kwargs=kwargs["slug"]),
                           {"respondent": f"member_state:{senegal.pk}"})

    senegal_position = str(kwargs["senegal"]["position_id"])
    assert response.status_code < 500
    assert senegal_position not in response.get("Location", "")
    assert client.get(reverse("consult:position-detail", kwargs=kwargs["senegal"])).status_code == 404


def test_people_who_see_a_position_but_may_not_change_it_change_nothing(client, world, consultation):
    people, kwargs = world
    section = reverse("consult:position-section", kwargs=kwargs["senegal_area"])
    detail = reverse("consult:position-detail", kwargs=kwargs["senegal"])
    for role in ("officer", "coordinator_africa"):
        client_for(client, people, role)
        assert client.post(section, {"version": "0"}).status_code == 403, role
        assert client.post(detail, {"publication": "confidential"}).status_code == 403, role
    position = consultation.positions.get(pk=kwargs["senegal"]["position_id"])
    assert position.publication != "confidential"
    assert not position.response.sections.exists()


OFF_SITE = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", " //evil.example"]


def assert_stays_on_site(response):
    location = response["Location"]
    assert not location.lstrip().startswith(("//", "/\\")), location
    assert urlsplit(location).netloc in ("", "testserver"), location


@pytest.mark.parametrize("target", OFF_SITE)
def test_no_next_parameter_redirects_off_the_site(client, world, target):
    people, kwargs = world
    invitation = Invitation.objects.get()

    assert_stays_on_site(client.post(reverse("set_language"), {"language": "fr", "next": target}))
    assert_stays_on_site(client.post(f"{reverse('login')}?next={target}",
                                     {"username": "outsider", "password": "correct horse battery staple"}))
    assert_stays_on_site(client.post(reverse("logout"), {"next": target}))
    client.force_login(people["officer"])
    assert_stays_on_site(client.post(reverse("consult:invitation-resend", args=[invitation.pk]), {"next": target}))
    assert_stays_on_site(client.post(reverse("consult:invitation-revoke", args=[invitation.pk]), {"next": target}))
