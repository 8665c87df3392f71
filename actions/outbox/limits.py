"""Limits on mail that visitors ask the site to send to other people.

A "send to a friend" or e-card form is a known spam relay. Every such email
counts against four limits, kept in the shared cache (DiskCache or Redis) so
they hold across every process and node:

- per client address (campaign.client_ip), per sender address, and per
  recipient address, so that no one is mailed more than a few times a month
  however many people try;
- a site-wide cap, the last line if all else is evaded.

Addresses are hashed before they become cache keys; the cache never holds
one. Counts are checked first and only then taken, so a refused request costs
nothing against the limits.
"""

import hashlib

from django.conf import settings
from django_ratelimit.core import get_usage

from campaign.client_ip import client_ip


def normalised_address(address):
    return address.strip().lower()


def hashed(value):
    return hashlib.blake2b(value.encode(), digest_size=16, person=b"svaw-mail-limit").hexdigest()


def _limits(request, sender, recipients):
    """(group, key, rate, amount) for each limit this request counts against."""
    rates = settings.VISITOR_MAIL_LIMITS
    yield "visitor-mail:ip", client_ip(request), rates["ip"], len(recipients)
    yield "visitor-mail:sender", hashed(normalised_address(sender)), rates["sender"], len(recipients)
    for recipient in recipients:
        yield "visitor-mail:recipient", hashed(normalised_address(recipient)), rates["recipient"], 1
    yield "visitor-mail:site", "site", rates["site"], len(recipients)


def _usage(request, group, key, rate, increment):
    return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment)


def take_visitor_mail_allowance(request, *, sender, recipients):
    """Count the emails a visitor asks for; False, counting nothing, if any limit would be passed."""
    limits = list(_limits(request, sender, recipients))
    for group, key, rate, amount in limits:
        usage = _usage(request, group, key, rate, increment=False)
        if usage is not None and usage["count"] + amount > usage["limit"]:
            return False
    for group, key, rate, amount in limits:
        for _ in range(amount):
            _usage(request, group, key, rate, increment=True)
    return True
