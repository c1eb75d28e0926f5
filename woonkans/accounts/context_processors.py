from django.conf import settings
from django.db.models import prefetch_related_objects

from . import navigation


def portal(request):
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated and user.is_verified())
    context = {
        "portal_signed_in": signed_in,
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
    }
    if signed_in:
        # The menu and the header both read the roles: read with the user (accounts.backends), else one
        # prefetch for both (role_codes uses it).
        if getattr(user, "loaded_role_codes", None) is None:
            prefetch_related_objects([user], "role_assignments")
        links = navigation.nav_links(user)
        crumbs = navigation.breadcrumbs(getattr(request, "resolver_match", None), links, request.path)
        above = {url for _title, url in crumbs if url}
        context["portal_nav"] = [
            {
                "label": label,
                "url": url,
                # The page itself, or the menu item it lies under (utrecht nav list: aria-current true).
                "current": "page" if url == request.path else ("true" if url in above else ""),
            }
            for label, url in links
        ]
        context["portal_breadcrumbs"] = crumbs
    return context
