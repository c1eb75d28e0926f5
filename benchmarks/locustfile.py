"""Load run for `make bench`: many users over the roles' main pages at once (started by benchmarks/run.py).

BENCH_LOCUST_PLAN names a JSON file written by run.py: per page its path and the session cookies of a
demo user who logged in with password and TOTP. Each simulated user takes the next page in turn, so
the roles are spread evenly, and asks for it every 1–3 seconds. Anything but a 200 is a failure.
"""

import itertools
import json
import os

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["BENCH_LOCUST_PLAN"]).read())  # noqa: SIM115
NEXT_PAGE = itertools.cycle(PLAN)


class RoleUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.page = next(NEXT_PAGE)
        self.client.cookies.update(self.page["cookies"])

    @task
    def main_page(self):
        with self.client.get(
            self.page["path"], name=self.page["page"], allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
