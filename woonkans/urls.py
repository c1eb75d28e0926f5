from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from woonkans.accounts import views as account_views
from woonkans.accounts.urls import two_factor_patterns

from . import views

admin.site.site_header = _("Woonkans-portaal – beheer")
admin.site.site_title = _("Woonkans-beheer")
admin.site.index_title = _("Organisaties, gebruikers en rollen")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include(two_factor_patterns)),
    path("", include("woonkans.accounts.urls")),
    path("", include("woonkans.audit.urls")),
    path("beheer/", admin.site.urls),
]
