"""`make dump` / `make restore-dump`: the portable pg_dump export plus the private files (woonkans/ops/backup.py)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woonkans.settings")

from woonkans.ops.backup import main  # noqa: E402 - needs the path above

if __name__ == "__main__":
    sys.exit(main())
