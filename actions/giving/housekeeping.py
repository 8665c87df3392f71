"""Giving's jobs for `manage.py housekeeping` (campaign/housekeeping.py), which `make run` runs every hour."""

from campaign.housekeeping import register

from . import services


@register("update_memberships")
def update_memberships():
    lapsed, deleted = services.update_memberships()
    return f"{lapsed} memberships lapsed, {deleted} unconfirmed applications deleted"


@register("delete_abandoned_donations")
def delete_abandoned_donations():
    return f"{services.delete_abandoned_donations()} abandoned gifts deleted"
