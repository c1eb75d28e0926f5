from django.urls import path

from .views import aftercare, corporation, overleg, regisseur, trajectory

app_name = "matching"
urlpatterns = [
    path("profielen/", regisseur.profile_list, name="profiles"),
    path("aanmeldingen/<uuid:referral_id>/profiel/", regisseur.profile_create, name="profile_create"),
    path("profielen/<uuid:profile_id>/", regisseur.profile_detail, name="profile"),
    path("profielen/<uuid:profile_id>/bewerken/", regisseur.profile_edit, name="profile_edit"),
    path("profielen/<uuid:profile_id>/melding-negeren/", regisseur.finding_override, name="finding_override"),
    path("profielen/<uuid:profile_id>/delen/", regisseur.profile_share, name="profile_share"),
    path("profielen/<uuid:profile_id>/berichten/<int:corporation_id>/", regisseur.message_post, name="message"),
    path("profielen/<uuid:profile_id>/match/", regisseur.profile_match, name="profile_match"),
    path("profielen/<uuid:profile_id>/gehuisvest/", regisseur.profile_housed, name="profile_housed"),
    path("profielen/<uuid:profile_id>/beeindigen/", regisseur.profile_end, name="profile_end"),
    path("profielen/<uuid:profile_id>/overdragen/", regisseur.profile_handover, name="profile_handover"),
    path("profielen/<uuid:profile_id>/versies/", regisseur.profile_versions, name="profile_versions"),
    path("profielen/<uuid:profile_id>/profiel.pdf", regisseur.profile_pdf, name="profile_pdf"),
    path(
        "profielen/<uuid:profile_id>/casusoverleg/<int:case_meeting_id>/", regisseur.case_meeting, name="case_meeting"
    ),
    path("matchingstabel/", corporation.matching_table, name="table"),
    path("matchingstabel/<uuid:profile_id>/", corporation.corporation_profile, name="corporation_profile"),
    path(
        "matchingstabel/<uuid:profile_id>/profiel.pdf",
        corporation.corporation_profile_pdf,
        name="corporation_profile_pdf",
    ),
    path("huurders/<uuid:profile_id>/", corporation.tenant, name="tenant"),
    path("trajecten/", trajectory.trajectory_list, name="trajectories"),
    path("trajecten/<uuid:profile_id>/", trajectory.trajectory_detail, name="trajectory"),
    path("casusoverleggen/", trajectory.my_case_meetings, name="my_case_meetings"),
    path("casusoverleggen/<int:case_meeting_id>/", trajectory.my_case_meeting, name="my_case_meeting"),
    # After-care (SOK art. 6.1, 8.1, 8.3–8.4, 10.3–10.4): docs/after-care.md
    path("nazorg/", aftercare.aftercare, name="aftercare"),
    path("nazorg/overdrachten/<int:handover_id>/", aftercare.handover, name="handover"),
    path("profielen/<uuid:profile_id>/zorgaanbieder-vervangen/", aftercare.provider_change, name="provider_change"),
    path("trajecten/overnemen/<int:change_id>/", aftercare.provider_change_answer, name="provider_change_answer"),
    path("trajecten/<uuid:profile_id>/aanspreekpunten/", aftercare.trajectory_contacts, name="trajectory_contacts"),
    path(
        "trajecten/<uuid:profile_id>/signalen/<int:case_meeting_id>/",
        aftercare.signal_report_back,
        name="signal_report_back",
    ),
    path("overleg/", overleg.meeting_list, name="meetings"),
    path("overleg/<int:meeting_id>/", overleg.meeting_detail, name="meeting"),
    path("overleg/<int:meeting_id>/<slug:action>/", overleg.meeting_action, name="meeting_action"),
    path("overleg/<int:meeting_id>/pdf/<slug:document>.pdf", overleg.meeting_pdf, name="meeting_pdf"),
]
