"""Personal API tokens: created and revoked on /account/api-tokens/, hashed at rest, scoped, audited."""

import hashlib

from django.db import connection
from django.urls import reverse

from consult.models import ApiToken, AuditEvent

from .api_helpers import api_client


def create_on_the_page(client, user, name="Ministry script", scope="read"):
    client.force_login(user)
    return client.post(reverse("consult:api-tokens"), {"name": name, "scope": scope})


def shown_key(response) -> str:
    page = response.content.decode()
    start = page.index('id="new-token"')
    return page[page.index('value="', start) + 7: page.index('"', page.index('value="', start) + 7)]


def test_a_token_is_shown_once_and_stored_only_as_its_hash(client, focal_point_france):
    response = create_on_the_page(client, focal_point_france)
    key = shown_key(response)

    token = ApiToken.objects.get(user=focal_point_france)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM consult_apitoken")
        assert key not in repr(cursor.fetchall())
    assert key not in client.get(reverse("consult:api-tokens")).content.decode()


def test_the_token_works_until_it_is_revoked(client, focal_point_france):
    key = shown_key(create_on_the_page(client, focal_point_france))
    api = api_client()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/positions/").status_code == 200

    token = ApiToken.objects.get(user=focal_point_france)
    client.post(reverse("consult:api-tokens"), {"revoke": token.pk})

    refused = api.get("/api/v1/positions/")
    assert refused.status_code == 401
    assert refused.json()["error"] == "This token is unknown or revoked, or its account is disabled."
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_someone_else_s_token(client, focal_point_france, focal_point_senegal):
    create_on_the_page(client, focal_point_france)
    token = ApiToken.objects.get(user=focal_point_france)
    client.force_login(focal_point_senegal)

    assert client.post(reverse("consult:api-tokens"), {"revoke": token.pk}).status_code == 404
    assert client.post(reverse("consult:api-tokens"), {"revoke": "not a number"}).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_page_lists_the_person_s_own_tokens_with_their_scope_and_last_use(client, focal_point_france, officer):
    api_client(officer)
    key = shown_key(create_on_the_page(client, focal_point_france, name="Line ministries sync", scope="read_write"))
    api = api_client()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    api.get("/api/v1/positions/")

    page = client.get(reverse("consult:api-tokens")).content.decode()

    assert "Line ministries sync" in page and "Read and write" in page
    assert "read token" not in page  # the officer's
    assert ApiToken.objects.get(user=focal_point_france).last_used_at is not None


def test_creating_using_and_revoking_a_token_are_audited(client, focal_point_france):
    key = shown_key(create_on_the_page(client, focal_point_france))
    api = api_client()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for _request in range(3):
        api.get("/api/v1/positions/")
    client.post(reverse("consult:api-tokens"), {"revoke": ApiToken.objects.get().pk})

    actions = list(AuditEvent.objects.filter(actor=focal_point_france).order_by("id").values_list("action", flat=True))
    # Use is recorded once an hour per token, not per request.
    assert actions == ["api_token_created", "api_token_used", "api_token_revoked"]


def test_a_read_token_may_not_write(focal_point_france, consultation, france):
    from consult.services.positions import position_for

    position = position_for(consultation=consultation, member_state=france)
    response = api_client(focal_point_france, scope="read").patch(
        f"/api/v1/positions/{position.pk}/areas/1/", {"version": 0, "answers": {}}, format="json"
    )
    assert response.status_code == 403
    assert "only read" in response.json()["error"]


def test_a_malformed_authorization_header_is_refused_in_json(db):
    api = api_client()
    for header in ["Bearer", "Bearer two words", "Bearer not-a-token", "Token cst_unknown"]:
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get("/api/v1/consultations/")
        assert response.status_code == 401, header
        assert response.json()["error"]


def test_a_person_has_at_most_twenty_live_tokens(client, focal_point_france):
    for number in range(20):
        api_client(focal_point_france)
    response = create_on_the_page(client, focal_point_france)

    assert "revoke one first" in response.content.decode()
    assert ApiToken.objects.filter(user=focal_point_france).count() == 20


def test_the_account_menu_links_the_tokens_page(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("consult:my-consultations")).content.decode()
    assert reverse("consult:api-tokens") in page


def test_a_token_s_name_is_shown_as_text(client, focal_point_france):
    create_on_the_page(client, focal_point_france, name='<img src=x onerror="alert(1)">')

    page = client.get(reverse("consult:api-tokens")).content.decode()

    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
