"""Schemathesis calls every operation of /api/schema/ with generated requests, anonymously and
with a read-and-write token of a focal point: no server error, and every answer as the schema says
(status code, content type, headers, body).

Half the generated path parameters are replaced by real ones (the consultation, France's position,
a published report), so that the answers checked are not only 404s.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consult.services.api_tokens import api_token_create
from consult.services.positions import position_for

from .test_api_reads import answered  # noqa: F401  (the fixture: three states' submitted positions)
from .test_url_matrix import make_built_report

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
# Enough to reach every parameter of every operation, within about a minute per caller.
EXAMPLES = 25
REAL = {}


@pytest.fixture
def api_schema(answered, consultation, france, senegal, focal_point_france, coordinator_africa):  # noqa: F811
    report = make_built_report(consultation, france.region, is_published=True)
    make_built_report(consultation, None, is_published=True)
    REAL.clear()
    REAL.update(slug=consultation.slug, position_id=str(position_for(consultation=consultation, member_state=france).pk),
                report_id=str(report.pk), code="1")
    _token, REAL["token"] = api_token_create(user=focal_point_france, name="schemathesis", scope="read_write")
    # As Django's test client does: the requests run inside the test's transaction, on its connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    loaded.hook(flatmap_path_parameters)
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    real = {name: REAL[name] for name in path_parameters if name in REAL}
    return st.sampled_from([path_parameters, path_parameters | real])


HYPOTHESIS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                             HealthCheck.filter_too_much])


def exercise(schema, mode, headers) -> int:
    """Call every operation with generated requests in the mode; return how many calls were made."""
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @HYPOTHESIS
        @given(operation.as_strategy(generation_mode=mode))
        def call(case):
            nonlocal calls
            calls += 1
            case.call_and_validate(checks=CHECKS, headers=headers)

        call()
    return calls


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_anonymous_requests_answer_as_the_schema_says(api_schema, mode, capsys):
    calls = exercise(api_schema, mode, headers={})
    with capsys.disabled():
        print(f"\nschemathesis, anonymous, {mode.value}: {calls} calls")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_requests_with_a_token_answer_as_the_schema_says(api_schema, mode, capsys):
    calls = exercise(api_schema, mode, headers={"Authorization": f"Bearer {REAL['token']}"})
    with capsys.disabled():
        print(f"\nschemathesis, with a token, {mode.value}: {calls} calls")
