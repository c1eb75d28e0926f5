"""Synthetic cases for `seed_demo --scale N` and the demo's history: every kind of case object, in bulk.

Each case gets one timeline over the last 24 months, drawn from a seeded RNG (the same N and seed
give the same cases): reported, researched, submitted (or refused as an exception, or withdrawn),
profile shared with the corporations that own homes in the municipality, answered, offered,
decided at the region's overleg, matched, housed, evaluated, signalled, ended. Steps land on
working days; a step that would fall after today is not taken, so every route step holds cases.
About one in five trajectories ends negatively, most of them in the first year (so about 80% of
those housed a year ago still live there). What the services would write is written here in bulk:
states from the transition tables' end points, the grants from the disclosure policy
(``disclosure.reconcile``) and the anonymous facts from monitoring's own ``fact_values``; no audit.
"""

import random

from django.db import transaction
from django.utils import timezone

from referrals.models import Referral
from woonkans.privacy import disclosure

from ..models import Profile
from .build import Rows, _build
from .overleg import _overleggen
from .plan import SYNTHETIC_FAMILY_NAME, World, draw, ensure_negative_ends

__all__ = ["SYNTHETIC_FAMILY_NAME", "World", "create_synthetic_cases", "draw"]


# Cases built, written and granted at a time: the rows of a batch are dropped once written, so memory stays
# flat however many cases are asked for.
CHUNK = 5000


@transaction.atomic
def create_synthetic_cases(*, count, seed=2026, now=None):
    """``count`` synthetic cases with everything that hangs off them, and the overleggen that decided them."""
    now = now or timezone.now()
    rng = random.Random(seed)
    world = World(rng, now)
    codes = set(Profile.objects.values_list("code", flat=True))
    start_number = Referral.objects.filter(identity__family_name=SYNTHETIC_FAMILY_NAME).count()
    plans = [draw(world, number) for number in range(start_number, start_number + count)]
    ensure_negative_ends(world, plans)
    add_to_agendas, save_agendas = _overleggen(world)
    for start in range(0, len(plans), CHUNK):
        chunk = plans[start : start + CHUNK]
        rows = Rows()
        for plan in chunk:
            _build(world, rows, plan, codes)
        rows.save()
        add_to_agendas(chunk)
        # The grants follow from the disclosure policy (woonkans.privacy.disclosure), for the batch at once.
        disclosure.reconcile([plan.referral.pk for plan in chunk], fix=True)
        for plan in chunk:
            plan.drop_rows()
    save_agendas()
