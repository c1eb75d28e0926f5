"""A real OpenID provider for the sign-in tests: panva/oidc-provider (Node) on loopback.

The test's Django client plays the browser towards the portal; a `requests` session plays it
towards the provider. The portal's own calls to the provider (discovery, token, JWKS, userinfo)
are real HTTP calls. The provider's answer comes back to the portal as a front-channel redirect,
which the test hands to the Django client, so no live server is needed.

`.ci/run` installs the provider with `npm ci` in this folder; without it these tests fail in CI
and are skipped elsewhere (like the other tests that need something pip cannot install).
"""

import os
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.core.cache import cache

from woonkans.accounts.oidc.models import OidcProvider

HERE = Path(__file__).parent
PORTAL = "http://testserver"
CALLBACK = f"{PORTAL}/inloggen/organisatie/terug/"
AFTER_LOGOUT = f"{PORTAL}/inloggen/"
CLIENT_ID = "woonkans"
CLIENT_SECRET = "woonkans-test-secret"


def _unavailable(message):
    if os.environ.get("CI_REQUIRE_SYSTEM_LIBS"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_server():
    """The provider's issuer URL; the process lives for the test session."""
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js is not installed: the OpenID provider for tests/oidc cannot start")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        _unavailable("oidc-provider is not installed: run `npm ci` in tests/oidc (.ci/run does)")
    port = _free_port()
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs"), str(port), CALLBACK, AFTER_LOGOUT],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("ready "):
            process.kill()
            pytest.fail(f"the OpenID provider did not start: {line}{process.stderr.read()}", pytrace=False)
        yield line.split(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def provider(db, oidc_server):
    """Gemeente Venlo's provider, configured as its administrator would and approved by a second one."""
    from tests.factories import organisation

    cache.clear()  # the discovery document is cached per provider
    return OidcProvider.objects.create(
        organisation=organisation("Gemeente Venlo"),
        issuer=oidc_server,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        mfa_amr_values="mfa otp",
        mfa_acr_values="urn:example:loa:substantial",
        approved=True,  # a second administrator approved it (tests/oidc/test_provider_approval.py)
    )


class Browser:
    """The person's browser: the Django client at the portal, a requests session at the provider."""

    def __init__(self, client, issuer):
        self.client = client
        self.issuer = issuer
        self.at_provider = requests.Session()

    def next_sign_in(self, **identity):
        requests.post(f"{self.issuer}/__test/next", json=identity, timeout=5).raise_for_status()

    def start(self, provider, **extra):
        response = self.client.post("/inloggen/organisatie/", {"provider": provider.pk, **extra})
        assert response.status_code == 302, response.content[:500]
        return response["Location"]

    def through_provider(self, url):
        """Follow the provider's redirects until it sends the browser back to the portal."""
        for _hop in range(10):
            response = self.at_provider.get(url, allow_redirects=False, timeout=5)
            assert response.status_code in (302, 303), f"{response.status_code} {response.text[:500]}"
            url = urljoin(url, response.headers["Location"])
            if url.startswith(PORTAL):
                parts = urlsplit(url)
                return f"{parts.path}?{parts.query}"
        raise AssertionError("the provider never sent the browser back")

    def sign_in(self, provider, **identity):
        """Up to the provider's answer (the callback path with code and state), not yet delivered."""
        self.next_sign_in(**identity)
        return self.through_provider(self.start(provider))


@pytest.fixture
def person(client, oidc_server):
    return Browser(client, oidc_server)
