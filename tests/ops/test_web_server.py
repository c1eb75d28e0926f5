"""The web process as the image starts it: gunicorn with gunicorn.conf.py (also `make bench`'s load run)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback, our own server)
            return response.status
    except urllib.error.HTTPError as error:  # /healthz may answer 503 without a broker: still a request
        return error.code


def children(pid):
    return [int(path.name) for path in Path("/proc").iterdir() if path.name.isdigit() and _parent(path) == pid]


def _parent(path):
    try:
        return int((path / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_the_image_command_serves_with_the_configured_workers_and_logs_no_query_string(tmp_path):
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "HTTPS": "False",
    }
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn and config)
        [str(GUNICORN), "woonkans.wsgi:application", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status = get(f"http://127.0.0.1:{port}/healthz?zoek=Jansen")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                time.sleep(0.3)
        else:
            raise AssertionError("gunicorn did not answer within 60 s")
        assert status in (200, 503)
        while time.monotonic() < deadline and len(children(server.pid)) < 2:
            time.sleep(0.2)
        assert len(children(server.pid)) == 2  # WEB_CONCURRENCY
        while time.monotonic() < deadline and "/healthz" not in access_log.read_text():
            time.sleep(0.2)
        logged = access_log.read_text()
        assert '"GET /healthz"' in logged
        assert "Jansen" not in logged  # a search term in the query string is personal data
    finally:
        server.terminate()
        server.wait(timeout=30)
