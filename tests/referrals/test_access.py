"""For every referral view: who may see it, and every role and organisation that must not (404)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services
from woonkans.audit.models import AccessLog, AccessOutcome

from .conftest import make_ready, make_submitted

pytestmark = pytest.mark.django_db

# Everyone except the Venlo consultants and the Noord regisseur, for a submitted Venlo referral.
OUTSIDERS = [
    "venray",
    "roermond",
    "midden",
    "proces_midden",
    "woonwenz",
    "antares",
    "wonenlimburg",
    "moveoo",
    "leger",
    "treasurer",
    "werkgroep_venlo",
    "admin_venlo",
    "admin",
]
CONSULTANT_VIEWS = ["step", "autosave", "submit", "exception", "withdraw", "consent_withdraw", "research_start"]


def urls_for(referral, document):
    kwargs = {"referral_id": referral.pk}
    return {
        "detail": ("get", reverse("referrals:detail", kwargs=kwargs)),
        "step": ("get", reverse("referrals:step", kwargs={**kwargs, "step": "persoon"})),
        "autosave": ("post", reverse("referrals:autosave", kwargs={**kwargs, "step": "persoon"})),
        "submit": ("post", reverse("referrals:submit", kwargs=kwargs)),
        "exception": ("get", reverse("referrals:exception", kwargs=kwargs)),
        "withdraw": ("get", reverse("referrals:withdraw", kwargs=kwargs)),
        "consent_withdraw": ("get", reverse("referrals:consent_withdraw", kwargs=kwargs)),
        "research_start": ("post", reverse("referrals:research_start", kwargs=kwargs)),
        "feedback": ("get", reverse("referrals:feedback", kwargs=kwargs)),
        "document": ("get", reverse("referrals:document", kwargs={"document_id": document.pk})),
        "document_remove": (
            "post",
            reverse("referrals:document_remove", kwargs={**kwargs, "document_id": document.pk}),
        ),
    }


@pytest.fixture
def submitted(people):
    referral = make_submitted(people["venlo"])
    return referral, referral.documents.first()


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_404_on_every_view_of_a_case(client, signed_in, people, submitted, outsider):
    referral, document = submitted
    signed_in(people[outsider])
    for name, (method, url) in urls_for(referral, document).items():
        response = getattr(client, method)(url)
        assert response.status_code == 404, (outsider, name)
        assert "Jansen" not in response.content.decode()
    denied = AccessLog.objects.filter(user=people[outsider], outcome=AccessOutcome.DENIED)
    assert denied.count() == len(urls_for(referral, document))


def test_the_municipality_and_the_region_see_the_case(client, signed_in, people, submitted):
    referral, document = submitted
    urls = urls_for(referral, document)
    for who in ("venlo", "noord"):
        signed_in(people[who])
        assert client.get(urls["detail"][1]).status_code == 200, who
        assert client.get(urls["document"][1]).status_code == 200, who


def test_the_regisseur_cannot_edit_the_consultants_research(client, signed_in, people):
    referral = make_ready(people["venlo"])
    services.submit_referral(actor=people["venlo"], referral=referral)
    signed_in(people["noord"])
    for name in CONSULTANT_VIEWS:
        method, url = urls_for(referral, referral.documents.first())[name]
        assert getattr(client, method)(url).status_code == 404, name


def test_a_consultant_cannot_give_regisseur_feedback(client, signed_in, people, submitted):
    referral, _document = submitted
    signed_in(people["venlo"])
    assert client.get(reverse("referrals:feedback", kwargs={"referral_id": referral.pk})).status_code == 404


def test_unsubmitted_referrals_are_not_shown_to_the_region(client, signed_in, people):
    referral = make_ready(people["venlo"])
    signed_in(people["noord"])
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).status_code == 404


@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("referrals:list", {"venlo", "venray", "roermond"}),
        ("referrals:inbox", {"noord", "midden", "proces_midden"}),
        ("referrals:reports", {"moveoo", "leger"}),
        ("referrals:report_new", {"moveoo", "leger"}),
    ],
)
def test_role_pages_open_only_for_their_role(client, signed_in, people, page, allowed):
    for key, user in people.items():
        signed_in(user)
        expected = 200 if key in allowed else 404
        assert client.get(reverse(page)).status_code == expected, (page, key)


def test_consultants_list_only_their_municipality(client, signed_in, people):
    make_ready(people["venlo"])
    make_ready(people["venray"], bsn="123456782")
    signed_in(people["venray"])
    page = client.get(reverse("referrals:list")).content.decode()
    assert page.count("Jan Jansen") == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_list_pages_do_not_grow_in_queries(client, signed_in, people, rows, django_assert_max_num_queries):
    consultant = people["venlo"]
    for _number in range(rows):
        make_submitted(consultant)
        services.report_resident(
            actor=people["moveoo"], municipality=consultant.organisation, given_name="P", family_name="Q", mandate=True
        )
    for key, page in (("venlo", "referrals:list"), ("noord", "referrals:inbox"), ("moveoo", "referrals:reports")):
        signed_in(people[key])
        with django_assert_max_num_queries(16):
            response = client.get(reverse(page))
        assert response.status_code == 200


def test_only_the_reporting_provider_may_see_a_reports_status_at_any_stage():
    """referrals.selectors.provider_reports names the provider as ``reported_by`` to walk its own index:
    that holds only while the policy grants the coarse status to the reporting provider alone."""
    from woonkans.privacy.disclosure.policy import POLICY, VIEW_REPORT_STATUS, Relation

    for stage, relations in POLICY.items():
        holders = {relation for relation, grants in relations.items() if VIEW_REPORT_STATUS in grants}
        assert holders == {Relation.REPORTING_PROVIDER}, stage


def test_the_inbox_row_reads_as_before_and_loads_no_bsn(client, signed_in, people):
    referral = make_submitted(people["venlo"])
    signed_in(people["noord"])
    response = client.get(reverse("referrals:inbox"))
    page = response.content.decode()
    row = page[page.index(f'href="{reverse("referrals:detail", args=[referral.pk])}"') :].split("</tr>")[0]
    submitted = timezone.localtime(referral.submitted_at).strftime("%d-%m-%Y")
    for cell in (referral.short_reference, "Jan Jansen", "Gemeente Venlo", referral.get_status_display(), submitted):
        assert cell in row, cell
    # Data minimisation: the list shows a name; the identity's BSN is never read into memory for it.
    (shown,) = response.context["page"].rows
    assert {"bsn", "street_address", "phone"} <= shown.identity.get_deferred_fields()
