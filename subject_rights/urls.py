from django.urls import path

from . import views

app_name = "subject_rights"
urlpatterns = [
    path("privacy/verzoeken/", views.request_list, name="list"),
    path("privacy/verzoeken/zaak-zoeken/", views.find_case, name="find_case"),
    path("privacy/verzoeken/nieuw/<uuid:referral_id>/", views.register, name="register"),
    path("privacy/verzoeken/<uuid:request_id>/", views.detail, name="detail"),
    path("privacy/verzoeken/<uuid:request_id>/corrigeren/", views.rectify, name="rectify"),
    path("privacy/verzoeken/<uuid:request_id>/overzicht.<slug:file_format>", views.export, name="export"),
    path("privacy/verzoeken/<uuid:request_id>/inzage/", views.access_history, name="access_history"),
    path("privacy/verzoeken/<uuid:request_id>/<slug:action>/", views.act, name="act"),
]
