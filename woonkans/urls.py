from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from woonkans.accounts import views as account_views
from woonkans.accounts.admin_scope import scope_admin_site
from woonkans.accounts.urls import two_factor_patterns

from . import views

admin.site.site_header = _("Woonkans-portaal – beheer")
admin.site.site_title = _("Woonkans-beheer")
admin.site.index_title = _("Organisaties, gebruikers en rollen")


def _admin_login_refused(request, extra_context=None):
    # Login only happens through the two-factor flow; a signed-in user without
    # management rights gets the same 404 as any refused page.
    raise Http404


admin.site.login = _admin_login_refused
scope_admin_site(admin.site)

# A 500 (and a database failure outside a view) renders without touching the database.
handler500 = "woonkans.errors.server_error"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("", include(two_factor_patterns)),
    path("", include("woonkans.accounts.urls")),
    path("", include("woonkans.audit.urls")),
    path("", include("referrals.urls")),
    path("", include("matching.urls")),
    path("", include("guarantee_fund.urls")),
    path("", include("monitoring.urls")),
    path("", include("subject_rights.urls")),
    path("beheer/", admin.site.urls),
]
