"""Settings for `make run`: production-like (DEBUG off), on one machine.

The secret key is generated once under var/ so that a fresh clone needs no
configuration; sessions survive restarts because the key stays the same.
"""

import os
import secrets

from .base import *  # noqa: F403 - settings modules extend their base by design
from .base import VAR_DIR


def _local_secret_key():
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
