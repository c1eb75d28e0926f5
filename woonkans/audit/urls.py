from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [path("logboek/", views.log_search, name="log_search")]
