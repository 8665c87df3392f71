from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import SiteNavigation


def site(request):
    return {"site_nav": SimpleLazyObject(lambda: SiteNavigation(request)), "SITE_URL": settings.SITE_URL}
