from django.urls import path

from .views import consultant, provider, regisseur, shared

app_name = "referrals"
urlpatterns = [
    path("aanmeldingen/", consultant.referral_list, name="list"),
    path("aanmeldingen/nieuw/", consultant.referral_start, name="start"),
    path("aanmeldingen/<uuid:referral_id>/", shared.referral_detail, name="detail"),
    path("aanmeldingen/<uuid:referral_id>/onderzoek-starten/", consultant.research_start, name="research_start"),
    path("aanmeldingen/<uuid:referral_id>/stap/<slug:step>/", consultant.research_step, name="step"),
    path("aanmeldingen/<uuid:referral_id>/stap/<slug:step>/concept/", consultant.autosave, name="autosave"),
    path(
        "aanmeldingen/<uuid:referral_id>/documenten/<uuid:document_id>/verwijderen/",
        consultant.document_remove,
        name="document_remove",
    ),
    path("aanmeldingen/<uuid:referral_id>/indienen/", consultant.submit, name="submit"),
    path("aanmeldingen/<uuid:referral_id>/uitzondering/", consultant.exception_request, name="exception"),
    path("aanmeldingen/<uuid:referral_id>/intrekken/", consultant.withdraw, name="withdraw"),
    path(
        "aanmeldingen/<uuid:referral_id>/toestemming-intrekken/", consultant.consent_withdraw, name="consent_withdraw"
    ),
    path("aanmeldingen/<uuid:referral_id>/terugkoppeling/", regisseur.feedback, name="feedback"),
    path("documenten/<uuid:document_id>/", shared.document_download, name="document"),
    path("nieuwe-aanmeldingen/", regisseur.inbox, name="inbox"),
    path("meldingen/", provider.report_list, name="reports"),
    path("meldingen/nieuw/", provider.report_new, name="report_new"),
]
