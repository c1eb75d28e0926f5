"""Every page the demo crawl reaches is valid HTML by the Nu Html Checker (vnu), with no error.

vnu is the npm package vnu-jar in tests/html (`npm ci` there; .ci/run does it) and runs on Java.
All pages go to one vnu run: starting the JVM once keeps this test to a few seconds.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

# The package's crawl fixture needs the test database set up (pytest-django does so only for marked tests).
pytestmark = pytest.mark.django_db

VNU_JAR = Path(__file__).parents[1] / "html" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _unavailable(message):
    if os.environ.get("CI_REQUIRE_SYSTEM_LIBS"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def validate(paths):
    """vnu's errors for the given files: [(file name, line, message)]."""
    java = shutil.which("java")
    if java is None:
        _unavailable("Java is not installed: the Nu Html Checker (vnu) needs Java 11 or later")
    if not VNU_JAR.is_file():
        _unavailable("vnu-jar is not installed: run `npm ci` in tests/html (.ci/run does)")
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        (Path(message.get("url", "")).name, message.get("lastLine"), message.get("message"))
        for message in messages
        if message["type"] == "error"
    ]


def test_every_crawled_page_is_valid_html(demo_crawl, tmp_path):
    names = {}
    for number, page in enumerate(demo_crawl.html_pages()):
        name = f"page-{number:04d}.html"
        (tmp_path / name).write_bytes(page.body)
        names[name] = f"{page.user} {page.url}"
    assert len(names) > 100
    errors = validate(sorted(tmp_path.iterdir()))
    # One line per distinct message and page kind, so a template's error does not repeat per user.
    report = sorted({f"{names[name]} line {line}: {message}" for name, line, message in errors})
    assert not report, f"{len(errors)} vnu errors:\n" + "\n".join(report[:150])


def test_the_checker_finds_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="nl"><head><title>x</title></head><body>'
        '<form action=""><progress max="50,4"></progress><div hx-get="/x"></div></form></body></html>'
    )
    messages = " ".join(message for _name, _line, message in validate([page]))
    assert "action" in messages and "max" in messages and "hx-get" in messages
