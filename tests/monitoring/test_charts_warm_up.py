"""A web process loads matplotlib when it starts, not in its first monitoring page or report."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def test_matplotlib_is_not_loaded_by_importing_the_charts():
    code = "import sys, django; django.setup(); import monitoring.charts; sys.exit('matplotlib' in sys.modules)"
    env_code = "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'woonkans.settings'); " + code
    assert subprocess.run([sys.executable, "-c", env_code], cwd=ROOT).returncode == 0


def test_the_web_process_pays_matplotlibs_start_up_before_its_first_request():
    # woonkans.wsgi (gunicorn's entry point) draws a small chart when it is imported: the first
    # report a worker makes (it always draws the fund's charts) would pay ~0.6 s CPU for it.
    code = "import sys, woonkans.wsgi; sys.exit(0 if 'matplotlib.pyplot' in sys.modules else 1)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_the_warm_up_draws_nothing_it_keeps():
    from django.core.cache import cache

    from monitoring import charts

    cache.clear()
    assert charts.warm_up() is True
    assert not cache._cache  # the locmem cache: the warm-up's chart is not kept
