"""Contract test: schemathesis runs against /api/schema/ with an officer's token.

It must find no 5xx and no response that violates the schema. The portal runs in
pytest-django's live server (a real HTTP server on 127.0.0.1 over the test database).

It runs on PostgreSQL, the production engine, which is also the stricter one (NUL bytes,
integer ranges): the API is the same on both engines, and this fuzzing run alone takes about
four minutes, so CI runs it once (docs/decisions.md #10).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests import factories as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_schemathesis_finds_no_server_error_or_schema_violation(
    live_server, settings, tmp_path, xihu, binjiang
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # no throttling
    officer = f.officer(xihu)
    for i in range(3):
        f.HonorFactory(member=f.MemberFactory(branch=xihu), year=2010 + i)
        f.HonorFactory(member=f.MemberFactory(branch=binjiang), year=2010 + i)
    # Rows for the certificate, card, workshop and service-event endpoints, on both sides.
    for branch in (xihu, binjiang):
        leader = f.MemberFactory(branch=branch)
        f.HonorFactory(member=leader)
        f.WorkshopFactory(branch=branch, leader=leader)
        event = f.ServiceEventFactory(team=f.ServiceTeamFactory(branch=branch), status="planned")
        f.ParticipationFactory(event=event, member=leader)
        from members.services import certificate_issue

        certificate_issue(member=leader, actor=f.association_staff(), purpose="其他")
    token = Token.objects.create(user=officer)
    schema = tmp_path / "schema.json"
    # The schema served to the officer, saved first so that schemathesis reads it once.
    import urllib.request

    request = urllib.request.Request(
        f"{live_server.url}/api/schema/?format=json", headers={"Authorization": f"Token {token.key}"}
    )
    schema.write_bytes(urllib.request.urlopen(request, timeout=30).read())
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(schema),
        "--url",
        f"{live_server.url}/api",
        "--header",
        f"Authorization: Token {token.key}",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"),
        "--seed",
        "20261129",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    print(output[-3000:])
    assert result.returncode == 0, output[-6000:]
    assert "passed" in output.lower()
