"""Calling the API as a named person, with a personal token of a given scope."""

from rest_framework.test import APIClient

from consult.services.api_tokens import api_token_create


def api_client(user=None, scope="read", **headers) -> APIClient:
    """Return a client sending a fresh token of `user` (anonymous without one)."""
    client = APIClient(**headers)
    if user is not None:
        _token, key = api_token_create(user=user, name=f"{scope} token", scope=scope)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]
