"""Write var/.env with throw-away keys for the local demo and tests (never used in production)."""

import base64
import secrets
import sys
from pathlib import Path

target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/.env")
if target.exists():
    sys.exit(0)
target.parent.mkdir(parents=True, exist_ok=True)
target.write_text(
    "# Throw-away settings for the local demo and tests. Production sets real environment variables.\n"
    f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    f"FIELD_ENCRYPTION_KEY={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}\n"
    "HTTPS=False\n"
    "DEMO_MODE=True\n"
    "ALLOWED_HOSTS=127.0.0.1,localhost,testserver\n"
)
target.chmod(0o600)
print(f"wrote {target}")
