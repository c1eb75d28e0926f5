"""woonkans.bulk.insert writes by COPY what bulk_create would: encrypted fields encrypted, numbers and keys
from their sequences (so the rows made one at a time afterwards do not collide)."""

import pytest
from django.db import connection

from woonkans import bulk

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_always(monkeypatch):
    monkeypatch.setattr(bulk, "COPY_FROM", 0)  # a few rows, written the way thousands are


@pytest.mark.postgres_only
def test_the_scale_data_written_by_copy_reads_back_as_the_models_write_it(copy_always):
    from matching.demo_scale import create_synthetic_cases
    from matching.models import Meeting
    from referrals.models import Identity, Referral, ReferralEvent
    from woonkans.demo import seed_users
    from woonkans.numbering import next_number
    from woonkans.parties.models import NumberSequence

    seed_users()
    assert connection.vendor == "postgresql"
    create_synthetic_cases(count=30)

    # The BSN went through EncryptedTextField.get_prep_value: a Fernet token in the table, the number in Python.
    identity = Identity.objects.filter(family_name="Testpersoon").exclude(bsn="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT bsn FROM referrals_identity WHERE referral_id = %s", [identity.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAA") and identity.bsn.isdigit() and len(identity.bsn) == 9

    # Every case has a number, none twice, and the sequence stands at the last one handed out.
    numbers = list(Referral.objects.values_list("number", flat=True))
    assert None not in numbers and len(set(numbers)) == len(numbers)
    for sequence in NumberSequence.objects.filter(prefix="WK"):
        taken = [n for n in numbers if n.startswith(f"WK-{sequence.year}-")]
        assert max(int(n.rsplit("-", 1)[1]) for n in taken) == sequence.last
    referral = Referral.objects.filter(identity__family_name="Testpersoon").first()
    assert next_number("WK", referral.created_at) not in numbers

    # Keys came from the tables' own sequences: a row saved the ordinary way afterwards gets a fresh one.
    before = set(ReferralEvent.objects.values_list("pk", flat=True))
    event = ReferralEvent.objects.filter(referral=referral).first()
    event.pk = None
    event.save()
    assert event.pk not in before and event.pk > max(before)
    assert Meeting.objects.exists()
