from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/rapportages/", views.reports, name="reports"),
    path("monitoring/rapportages/maken/", views.report_produce, name="report_produce"),
    path("monitoring/rapportages/<int:report_id>/<slug:kind>/", views.report_file, name="report_file"),
]
