"""Every API endpoint x every role x each token scope x every method: no unauthorised success.

The people and objects are tests/test_url_matrix.py's. Each role calls with a read token and
with a read-and-write token, and anonymously; a rule names who may succeed (2xx). Reads are
GET; writes are POST, PUT, PATCH and DELETE on every endpoint, of which only a focal point's
PATCH of their own state's area with a read-and-write token may succeed. The counts are printed.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consult.models import Consultation, Position
from consult.permissions import can_view_position

from .api_helpers import api_client
from .factories import make_consultation
from .test_url_matrix import LOGGED_IN, world  # noqa: F401  (the fixture: people and objects)

EVERYONE = "everyone"
SIGNED_IN = "signed in"
WRITE_METHODS = ["post", "put", "patch", "delete"]


def rule(*roles):
    return set(roles)


SECRETARIAT = rule("officer")
AFRICA = rule("officer", "coordinator_africa")
FRANCE = rule("officer", "focal_point_france")
SENEGAL = rule("officer", "focal_point_senegal", "coordinator_africa")
NOBODY = rule()

# url name -> [(label, url kwargs name, query string, who may GET it)]
READS = {
    "api:schema": [("schema", "none", "", EVERYONE)],
    "api:docs": [("docs", "none", "", EVERYONE)],
    "api:consultation-list": [("list", "none", "", EVERYONE)],
    "api:consultation-detail": [("open", "slug", "", EVERYONE), ("draft", "draft", "", SECRETARIAT)],
    "api:recommendation-list": [("open", "slug", "", EVERYONE), ("draft", "draft", "", SECRETARIAT)],
    "api:question-list": [("open", "slug", "?lang=fr", EVERYONE), ("draft", "draft", "", SECRETARIAT)],
    "api:figure-list": [
        ("world, unpublished", "slug", "", SECRETARIAT),
        ("Africa, unpublished", "slug", "?grouping=africa", AFRICA),
        ("Europe, published", "slug", "?grouping=europe", EVERYONE),
        ("draft", "draft", "", SECRETARIAT),
    ],
    "api:response-list": [("open", "slug", "", EVERYONE), ("draft", "draft", "", SECRETARIAT)],
    "api:response-detail": [("a draft position", "public_france", "", NOBODY)],
    "api:report-list": [("open", "slug", "", EVERYONE), ("draft", "draft", "", SECRETARIAT)],
    "api:report-download": [("Africa", "report", "", AFRICA), ("published", "published_report", "", EVERYONE)],
    "api:coverage": [("open", "slug", "", AFRICA), ("draft", "draft", "", SECRETARIAT)],
    "api:responses-export": [("open", "slug", "", AFRICA), ("draft", "draft", "", SECRETARIAT)],
    "api:position-list": [("list", "none", "", SIGNED_IN)],
    "api:position-detail": [("France", "france", "", FRANCE), ("Senegal", "senegal", "", SENEGAL)],
    "api:position-area": [("France", "france_area", "", FRANCE), ("Senegal", "senegal_area", "", SENEGAL)],
}
# Writes that may succeed: (url name, kwargs name) -> the roles, with a read-and-write token only.
WRITES = {
    ("api:position-area", "france_area"): rule("focal_point_france"),
    ("api:position-area", "senegal_area"): rule("focal_point_senegal"),
}


def api_url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "api":
                yield f"api:{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def test_every_api_url_has_a_rule():
    assert api_url_names() == set(READS)


def allowed(who, role: str) -> bool:
    if who == EVERYONE:
        return True
    if who == SIGNED_IN:
        return role != "anonymous"
    return role in who


@pytest.fixture
def callers(world):
    """Return [(role, scope, client)]: anonymous, then each person with a read and a read-write token."""
    people, _kwargs = world
    clients = [("anonymous", None, api_client())]
    for role in LOGGED_IN:
        for scope in ("read", "read_write"):
            clients.append((role, scope, api_client(people[role], scope=scope)))
    return clients


@pytest.fixture
def objects(world, consultation, france):
    _people, kwargs = world
    draft = make_consultation(slug="draft-hld", status=Consultation.Status.DRAFT)
    return kwargs | {"draft": {"slug": draft.slug}}


def url_of(name, objects, kwargs_name, query=""):
    return reverse(name, kwargs=objects[kwargs_name]) + query


def test_reads_succeed_only_for_whom_the_rule_allows(callers, objects, world, france, senegal, capsys):
    grouping_codes = {"africa": senegal.region.code, "europe": france.region.code}
    unauthorised, checked = [], 0
    for name, cases in READS.items():
        for label, kwargs_name, query, who in cases:
            url = url_of(name, objects, kwargs_name, query)
            for alias, code in grouping_codes.items():
                url = url.replace(f"grouping={alias}", f"grouping={code}")
            for role, scope, client in callers:
                response = client.get(url)
                checked += 1
                assert response.status_code < 500, f"{role} {url}: {response.status_code}"
                succeeded = 200 <= response.status_code < 300
                if succeeded != allowed(who, role):
                    unauthorised.append(f"{role} ({scope}) GET {name} {label}: {response.status_code}")
    with capsys.disabled():
        print(f"\nAPI matrix: {checked} GET checks")
    assert unauthorised == []


def test_writes_succeed_only_for_a_focal_point_on_their_own_draft(callers, objects, capsys):
    unauthorised, checked = [], 0
    for name, cases in READS.items():
        for label, kwargs_name, query, _who in cases:
            url = url_of(name, objects, kwargs_name)
            writers = WRITES.get((name, kwargs_name), set())
            for role, scope, client in callers:
                for method in WRITE_METHODS:
                    body = {"version": 0, "answers": {}} if method == "patch" else {}
                    response = getattr(client, method)(url, body, format="json")
                    checked += 1
                    assert response.status_code < 500, f"{role} {method} {url}: {response.status_code}"
                    may = method == "patch" and scope == "read_write" and role in writers
                    if (200 <= response.status_code < 300) != may:
                        unauthorised.append(f"{role} ({scope}) {method.upper()} {name} {label}: {response.status_code}")
    with capsys.disabled():
        print(f"\nAPI matrix: {checked} write checks")
    assert unauthorised == []


def test_the_position_list_holds_only_what_each_person_may_see(callers, world):
    for role, _scope, client in callers[1:]:
        listed = client.get("/api/v1/positions/").json()["results"]
        user = world[0][role]
        for row in listed:
            assert can_view_position(user, Position.objects.get(pk=row["id"])), (role, row["respondent"])
