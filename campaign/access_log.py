"""gunicorn's access log, without the secrets that some addresses carry.

Confirmation links, a signer's own page and a postcard's page put a signed
token or a random key in the path; whoever reads the log could open them. Any
path segment that looks like one (a colon, as in Django's signed values, or
at least 16 characters with a capital letter or "_", as in
secrets.token_urlsafe) is logged as "…". Slugs are lower-case words and pass
through unchanged.
"""

import re

from gunicorn.glogging import Logger

SECRET_SEGMENT = re.compile(r"^(?=[^/]{16,}$)(?=[^/]*[:A-Z_])[^/]+$")


def redacted(path):
    return "/".join("…" if SECRET_SEGMENT.match(segment) else segment for segment in (path or "").split("/"))


class PrivateAccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redacted(atoms["U"])
        return atoms
