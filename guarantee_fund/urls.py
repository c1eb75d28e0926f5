from django.urls import path

from .views import claims, treasury

app_name = "guarantee_fund"
urlpatterns = [
    path("garantiefonds/claims/", claims.claim_list, name="claims"),
    path("garantiefonds/claims/nieuw/<uuid:profile_id>/", claims.claim_new, name="claim_new"),
    path("garantiefonds/claims/<uuid:claim_id>/", claims.claim_detail, name="claim"),
    path("garantiefonds/claims/<uuid:claim_id>/claimformulier.pdf", claims.claim_pdf, name="claim_pdf"),
    path("garantiefonds/claims/<uuid:claim_id>/<slug:action>/", claims.claim_action, name="claim_action"),
    path(
        "garantiefonds/claims/<uuid:claim_id>/documenten/<uuid:document_id>/",
        claims.claim_document,
        name="claim_document",
    ),
    path("garantiefonds/grootboek/", treasury.ledger, name="ledger"),
    path("garantiefonds/grootboek/<int:entry_id>/corrigeren/", treasury.entry_correct, name="entry_correct"),
    path("garantiefonds/rondes/", treasury.round_list, name="rounds"),
    path("garantiefonds/rondes/<int:round_id>/", treasury.round_detail, name="round"),
    path(
        "garantiefonds/rondes/<int:round_id>/bijdragen/<int:contribution_id>/ontvangen/",
        treasury.contribution_received,
        name="contribution_received",
    ),
    path(
        "garantiefonds/rondes/<int:round_id>/bijdragen/<int:contribution_id>/betaalverzoek.pdf",
        treasury.payment_request,
        name="payment_request",
    ),
    path(
        "garantiefonds/rondes/<int:round_id>/regionaal/betaalverzoek.pdf",
        treasury.regional_payment_request,
        name="regional_payment_request",
    ),
    path(
        "garantiefonds/rondes/<int:round_id>/regionaal/ontvangen/", treasury.regional_received, name="regional_received"
    ),
    path("garantiefonds/verantwoording/", treasury.accountability, name="accountability"),
    path("garantiefonds/deelnemers/", treasury.parties, name="parties"),
    path("garantiefonds/deelnemers/<int:party_id>/iban/", treasury.party_iban, name="party_iban"),
]
