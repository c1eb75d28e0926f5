import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from subject_rights import services
from woonkans.accounts.roles import Role


@pytest.fixture
def officer(make_user):
    return make_user(Role.PRIVACY_OFFICER, "Gemeente Venlo", email="privacy@venlo.example.org")


@pytest.fixture
def officer_venray(make_user):
    return make_user(Role.PRIVACY_OFFICER, "Gemeente Venray", email="privacy@venray.example.org")


def register(officer, referral, kind, *, days_ago=0, text="De inwoner vraagt dit schriftelijk."):
    return services.register_request(
        actor=officer,
        referral=referral,
        kind=kind,
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        request_text=text,
    )


def act_url(request, action):
    return reverse("subject_rights:act", kwargs={"request_id": request.pk, "action": action})


def detail_url(request):
    return reverse("subject_rights:detail", kwargs={"request_id": request.pk})
