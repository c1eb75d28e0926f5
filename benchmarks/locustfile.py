"""Load run for `make bench`: many users over every role's pages at once (started by benchmarks/run.py).

BENCH_LOCUST_PLAN names a JSON file written by run.py: per role the session cookies of a demo user who
logged in with password and TOTP, and the pages the crawl found for that role. Each simulated user
takes the next role in turn, so the roles are spread evenly, and asks for one of its pages at random
every 1–3 seconds. Anything but a 200 is a failure.
"""

import itertools
import json
import os
import random

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = [role for role in json.loads(open(os.environ["BENCH_LOCUST_PLAN"]).read()) if role["pages"]]  # noqa: SIM115
NEXT_ROLE = itertools.cycle(PLAN)


class RoleUser(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.role = next(NEXT_ROLE)
        # The role's signed-in session, sent as a header: FastHttpUser keeps no requests-style cookie dict.
        self.headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.role["cookies"].items())}

    @task
    def a_page(self):
        page = random.choice(self.role["pages"])  # noqa: S311 -- a load mix, not a secret
        with self.client.get(
            page["path"], name=page["name"], headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
