"""Two regisseurs saving the same profile at the same moment, on PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection, connections

from matching import services
from matching.models import Profile, ProfileVersion

from .conftest import make_profile

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_saves_one_wins_and_the_other_is_told(people):
    profile = make_profile(people["midden"], people["roermond"])
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(key, user, text):
        try:
            barrier.wait()
            services.update_profile(actor=user, profile=profile, expected_version=1, data={"conclusion": text})
            outcomes[key] = "saved"
        except services.ConcurrentEdit:
            outcomes[key] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("a", people["midden"], "Tekst A")),
        threading.Thread(target=save, args=("b", people["proces_midden"], "Tekst B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    profile = Profile.objects.get(pk=profile.pk)
    winner = "Tekst A" if outcomes["a"] == "saved" else "Tekst B"
    assert profile.conclusion == winner and profile.version == 2
    assert ProfileVersion.objects.filter(profile=profile).count() == 2
