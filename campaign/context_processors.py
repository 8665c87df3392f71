from django.utils.functional import SimpleLazyObject

from .navigation import SiteNavigation


def site(request):
    return {"site_nav": SimpleLazyObject(lambda: SiteNavigation(request))}
