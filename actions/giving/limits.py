"""Rate limits on starting gifts and applications: the defence against card testing.

Card testers create checkout after checkout to try stolen cards (Mozilla once
saw 18,000 attempts from one address). Each step that creates something is
counted per client address (campaign.client_ip, the same answer as every other
throttle) and per email address, in the shared cache (django-ratelimit) so the
limits hold across processes and nodes. Email addresses are hashed before they
become cache keys. Counts are checked first and only then taken, so a refused
request costs nothing.
"""

import hashlib

from django.conf import settings
from django_ratelimit.core import get_usage

from campaign.client_ip import client_ip

from .models import mailbox_of

# scope -> (setting with the rate per address, setting with the rate per email)
SCOPES = {
    "giving:start": ("GIVING_RATE_PER_IP", "GIVING_RATE_PER_EMAIL"),
    "giving:checkout": ("GIVING_RATE_PER_IP", "GIVING_RATE_PER_EMAIL"),
    "giving:join": ("JOIN_RATE_PER_IP", "JOIN_RATE_PER_EMAIL"),
}


def hashed(value):
    return hashlib.blake2b(value.encode(), digest_size=16, person=b"svaw-giving").hexdigest()


def _limits(request, scope, email):
    ip_rate, email_rate = (getattr(settings, name) for name in SCOPES[scope])
    yield f"{scope}:ip", client_ip(request), ip_rate
    yield f"{scope}:email", hashed(mailbox_of(email)), email_rate


def _usage(request, group, key, rate, increment):
    return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment)


def take_allowance(request, scope, *, email):
    """Count one more for this address and this email; False, counting nothing, if either limit is reached."""
    limits = list(_limits(request, scope, email))
    for group, key, rate in limits:
        usage = _usage(request, group, key, rate, increment=False)
        if usage is not None and usage["count"] + 1 > usage["limit"]:
            return False
    for group, key, rate in limits:
        _usage(request, group, key, rate, increment=True)
    return True
