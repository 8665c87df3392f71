"""The retention jobs of Take action, for `manage.py housekeeping` (campaign/housekeeping.py)."""

from campaign.housekeeping import register

from . import services


@register("anonymise_signatures")
def anonymise_signatures():
    return f"{services.anonymise_closed_actions()} signatures anonymised"


@register("delete_signature_addresses")
def delete_signature_addresses():
    return f"{services.delete_old_ip_addresses()} IP addresses deleted"
