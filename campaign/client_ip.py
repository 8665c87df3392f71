"""The client's IP address: the one answer that lock-outs and throttles use.

Behind a reverse proxy REMOTE_ADDR is the proxy's own address, so every
visitor would share one lock-out and one throttle. Each proxy appends the
address it received the request from to X-Forwarded-For, but everything left
of those entries was written by the client and can be forged. So the site
trusts the header only as far as the environment says there are proxies
(TRUSTED_PROXY_COUNT), and reads it from the right.
"""

import ipaddress
import logging

from django.conf import settings
from ipware import get_client_ip

logger = logging.getLogger(__name__)

# Shared by every request whose address cannot be known (a Unix socket with no
# proxy configured), so that they share one throttle rather than escape it.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a throttle key, never bound to


def client_ip(request):
    """The address of the client as the outermost trusted proxy saw it.

    Never raises: anything unexpected falls back to REMOTE_ADDR, because
    django-ratelimit and django-axes call this on every staff sign-in.
    """
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count > 0:
        forwarded = _address_seen_by_proxies(request, proxy_count, settings.CLIENT_IP_HEADER)
        if forwarded:
            return forwarded
    return _remote_addr(request)


def _address_seen_by_proxies(request, proxy_count, header):
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    try:
        address, _is_routable = get_client_ip(
            request,
            # ipware counts only the proxies listed in the header; the nearest
            # proxy is REMOTE_ADDR and appears in no header, hence the minus one.
            # The client is then the proxy_count-th entry from the right.
            proxy_count=proxy_count - 1,
            # Only the header our own proxies write: ipware's default list also
            # reads X-Real-IP, CF-Connecting-IP and others a client can send.
            request_header_order=[meta_key],
            # Strict mode rejects a chain with more entries than proxies, which
            # would let a forged leftmost entry move the client onto the
            # proxy's shared address; counting from the right ignores it.
            strict=False,
            proxy_order="left-most",
            algorithm="modern",
        )
    except (ValueError, TypeError):
        logger.exception("Could not read the client address from %s; using REMOTE_ADDR.", header)
        return None
    return address


def _remote_addr(request):
    try:
        address = ipaddress.ip_address((request.META.get("REMOTE_ADDR") or "").strip())
    except ValueError:
        return UNKNOWN_ADDRESS
    # "::ffff:192.0.2.1" and "192.0.2.1" are one client, as ipware reports them.
    return str(getattr(address, "ipv4_mapped", None) or address)
