from django.urls import path
from two_factor.views import QRGeneratorView

from . import credential_views, review_views, views
from .oidc import views as oidc_views

# two-factor-auth's flows under its own namespace; the "disable" and phone views
# are left out on purpose: a second factor is mandatory here.
two_factor_patterns = (
    [
        path("inloggen/", views.LoginView.as_view(), name="login"),
        path("inloggen/instellen/", views.SetupView.as_view(), name="setup"),
        path("inloggen/instellen/qr/", QRGeneratorView.as_view(), name="qr"),
        path("inloggen/instellen/klaar/", views.SetupCompleteView.as_view(), name="setup_complete"),
        path("inloggen/reservecodes/", views.BackupTokensView.as_view(), name="backup_tokens"),
    ],
    "two_factor",
)

urlpatterns = [
    path("uitloggen/", oidc_views.logout, name="logout"),
    # Signing in with the organisation's own account (OpenID Connect, docs/sign-in.md).
    path("inloggen/organisatie/", oidc_views.start, name="oidc_start"),
    path("inloggen/organisatie/terug/", oidc_views.callback, name="oidc_callback"),
    path("inloggen/organisatie/verificatiecode/", oidc_views.token_step, name="oidc_token"),
    path("logging-akkoord/", views.accept_logging, name="accept_logging"),
    path("sessie/verlengen/", views.session_keepalive, name="session_keepalive"),
    path("toegangscontrole/", review_views.review_list, name="access_reviews"),
    path("toegangscontrole/<int:review_id>/", review_views.review_detail, name="access_review"),
    path(
        "toegangscontrole/<int:review_id>/gebruikers/<int:item_id>/",
        review_views.review_decide,
        name="access_review_decide",
    ),
    path("toegangscontrole/<int:review_id>/afsluiten/", review_views.review_close, name="access_review_close"),
    path("toegangscontrole/rolaanvragen/", review_views.role_requests, name="role_requests"),
    path(
        "toegangscontrole/rolaanvragen/<int:request_id>/",
        review_views.role_request_decide,
        name="role_request_decide",
    ),
    path(
        "toegangscontrole/gebruikers/<int:user_id>/inloggegevens/",
        credential_views.credential_change,
        name="credential_change",
    ),
    path(
        "toegangscontrole/inloggegevens/<int:request_id>/",
        credential_views.credential_request_decide,
        name="credential_request_decide",
    ),
    path("wachtwoord-instellen/<uidb64>/<token>/", credential_views.PasswordSetView.as_view(), name="password_set"),
    path("wachtwoord-instellen/klaar/", credential_views.PasswordSetDoneView.as_view(), name="password_set_done"),
]
