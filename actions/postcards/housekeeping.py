"""The retention job of virtual postcards, for `manage.py housekeeping` (campaign/housekeeping.py)."""

from campaign.housekeeping import register

from . import services


@register("delete_old_postcards")
def delete_old_postcards():
    return f"{services.delete_old_postcards()} postcards deleted"
