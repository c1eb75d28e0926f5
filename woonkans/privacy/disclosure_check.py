"""The nightly check of every case's grants against the disclosure policy (command check_disclosure)."""

import logging

from django.db import transaction

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from . import disclosure

logger = logging.getLogger(__name__)
AUDIT_OBJECT_TYPE = "privacy.disclosure"


def _lines(kind_of_drift, per_case):
    for case_id in sorted(per_case, key=str):
        for object_kind, holder, codename in sorted(per_case[case_id], key=str):
            yield f"{kind_of_drift} zaak={case_id} object={object_kind} organisatie={holder} recht={codename}"


def run_check(*, fix=False):
    """Recompute every case; report grants beyond the policy and missing ones by case id; repair with fix.

    Writes one audit entry per run. Returns {"cases": [...ids], "lines": [...], "fixed": bool}.
    """
    with transaction.atomic():
        drift = disclosure.reconcile(None, fix=fix)
        cases = [str(case_id) for case_id in drift.case_ids()]
        lines = [*_lines("te veel", drift.extra), *_lines("ontbreekt", drift.missing)]
        log_access(
            user=None,
            action=AccessAction.UPDATE if fix and cases else AccessAction.READ,
            object_type=AUDIT_OBJECT_TYPE,
            purpose=(
                f"controle openbaarmaking: {len(cases)} zaken wijken af" + (", hersteld" if fix and cases else "")
            ),
        )
    for line in lines:
        # Ids and codenames only: never a name or other personal data in the log.
        logger.error("disclosure drift: %s", line)
    return {"cases": cases, "lines": lines, "fixed": bool(fix and cases)}
