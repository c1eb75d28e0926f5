from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/rapportages/", views.reports, name="reports"),
    path("monitoring/rapportages/maken/", views.report_produce, name="report_produce"),
    path("monitoring/rapportages/<int:report_id>/<slug:kind>/", views.report_file, name="report_file"),
    path("monitoring/toelichting/", views.definitions_page, name="definitions"),
    path("monitoring/werkgroep/", views.werkgroep, name="werkgroep"),
    path(
        "monitoring/werkgroep/leden/<int:member_id>/beeindigen/",
        views.werkgroep_member_end,
        name="werkgroep_member_end",
    ),
    path("monitoring/werkgroep/vergaderingen/<int:meeting_id>/", views.werkgroep_meeting, name="werkgroep_meeting"),
]
