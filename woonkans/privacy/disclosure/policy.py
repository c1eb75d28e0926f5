"""The disclosure policy as data: per stage of the route and relation to the case, the grants."""

from enum import StrEnum

from woonkans.accounts.roles import Role


class Stage(StrEnum):
    REPORTED = "reported"  # step 2: melding at the Wmo desk
    IN_RESEARCH = "in_research"  # step 3: the consultant's research
    EXCEPTION_REQUESTED = "exception_requested"  # step 3: put anonymously to the overleg (preamble)
    SUBMITTED = "submitted"  # step 4: with the region's regisseurs, no profile yet
    PROFILE_DRAFT = "profile_draft"  # step 4: the regisseur writes the profile
    SHARED = "shared"  # step 5: pseudonymised profile with the selected corporations
    MATCHED = "matched"  # step 6: matched corporation and linked provider
    HOUSED = "housed"  # after step 6: the trajectory runs (art. 8)
    ENDED = "ended"  # the trajectory ended (well or negatively)
    STOPPED = "stopped"  # consent withdrawn (art. 4.3) or referral withdrawn, after the profile was shared
    STOPPED_IN_DRAFT = "stopped_in_draft"  # stopped while the profile was still a draft (never shared)
    CLOSED = "closed"  # the overleg refused the exception
    ERASED = "erased"  # the personal data were purged (AVG art. 17, DPIA §10)


class Relation(StrEnum):
    CONSULTANT = "consultant"  # the own municipality's Wmo-consultant (casusregisseur)
    PRIVACY_OFFICER = "privacy_officer"  # the municipality's privacy officer (controller, DPIA §15)
    REGISSEUR = "regisseur"  # the region's keten-/procesregisseurs
    CHAIR = "chair"  # the chair of the region's overleg (ketenregisseur)
    SHARED_CORPORATION = "shared_corporation"  # a corporation the profile is shared with
    MATCHED_CORPORATION = "matched_corporation"
    LINKED_PROVIDER = "linked_provider"
    REPORTING_PROVIDER = "reporting_provider"  # the provider that reported the resident (step 2)


# The roles that act for each relation (the role half of "role AND grant").
RELATION_ROLES = {
    Relation.CONSULTANT: (Role.WMO_CONSULTANT,),
    Relation.PRIVACY_OFFICER: (Role.PRIVACY_OFFICER,),
    Relation.REGISSEUR: (Role.KETENREGISSEUR, Role.PROCESREGISSEUR),
    Relation.CHAIR: (Role.KETENREGISSEUR,),
    Relation.SHARED_CORPORATION: (Role.CORPORATION,),
    Relation.MATCHED_CORPORATION: (Role.CORPORATION,),
    Relation.LINKED_PROVIDER: (Role.CARE_PROVIDER,),
    Relation.REPORTING_PROVIDER: (Role.CARE_PROVIDER,),
}

# The objects grants are made on, and the guardian codenames the code checks.
REFERRAL, PROFILE = "referral", "profile"
VIEW_REFERRAL = (REFERRAL, "view_referral")
CHANGE_REFERRAL = (REFERRAL, "change_referral")
VIEW_REPORT_STATUS = (REFERRAL, "view_report_status")  # coarse status only (referrals.workflow.COARSE)
VIEW_IDENTITY = (REFERRAL, "view_identity")  # identity and lease documents (step 6)
VIEW_CONTACT = (REFERRAL, "view_contact")  # name and contact data (step 6, linked provider)
VIEW_PROFILE = (PROFILE, "view_profile")
CHANGE_PROFILE = (PROFILE, "change_profile")

_MUNICIPALITY = {
    # The municipality holds the Wmo file at every stage (steps 2–3; DPIA §10 retention).
    Relation.CONSULTANT: frozenset({VIEW_REFERRAL, CHANGE_REFERRAL}),
    Relation.PRIVACY_OFFICER: frozenset({VIEW_REFERRAL}),
}
_CASUSREGISSEUR = {
    # The consultant is the casusregisseur (SOK art. 1a) and gets the regisseur's three feedbacks (DPIA §3):
    # from feedback 2 ("het profiel zoals opgesteld", with the share) on, the municipality also reads the
    # profile, and through it the match, the trajectory and its end (art. 5.1c, 8.3). Read only: writing
    # the profile stays the regisseurs' (step 4); evaluations are the corporation's and provider's (art.
    # 5.2c, 5.3b). A casusregisseur the chair appoints (art. 8.4) is a regisseur or this consultant.
    Relation.CONSULTANT: frozenset({VIEW_REFERRAL, CHANGE_REFERRAL, VIEW_PROFILE}),
    Relation.PRIVACY_OFFICER: frozenset({VIEW_REFERRAL}),
}
_REPORTER = {Relation.REPORTING_PROVIDER: frozenset({VIEW_REPORT_STATUS})}  # step 2: its own report
_REGION = {
    # Step 4: the region's regisseurs read the referral (+ consultant, who keeps the file).
    Relation.REGISSEUR: frozenset({VIEW_REFERRAL}),
    Relation.CHAIR: frozenset({VIEW_REFERRAL}),
}
_REGION_WITH_PROFILE = {
    # Step 4–6 and the trajectory: the regisseurs write the profile and run the overleg (art. 5, 8).
    Relation.REGISSEUR: frozenset({VIEW_REFERRAL, VIEW_PROFILE, CHANGE_PROFILE}),
    Relation.CHAIR: frozenset({VIEW_REFERRAL, VIEW_PROFILE, CHANGE_PROFILE}),
}
_STEP_6 = {
    # Step 6: the matched corporation only (the others are "placed elsewhere"), and the linked provider.
    Relation.MATCHED_CORPORATION: frozenset({VIEW_PROFILE, VIEW_IDENTITY}),
    Relation.LINKED_PROVIDER: frozenset({VIEW_CONTACT}),
}

# stage -> relation -> grants. A relation not named gets nothing.
POLICY = {
    Stage.REPORTED: {**_MUNICIPALITY, **_REPORTER},
    Stage.IN_RESEARCH: {**_MUNICIPALITY, **_REPORTER},
    # The exception request is anonymous (preamble): no grant on the case for the region.
    Stage.EXCEPTION_REQUESTED: {**_MUNICIPALITY, **_REPORTER},
    Stage.SUBMITTED: {**_MUNICIPALITY, **_REPORTER, **_REGION},
    Stage.PROFILE_DRAFT: {**_MUNICIPALITY, **_REPORTER, **_REGION_WITH_PROFILE},
    # Step 5: the pseudonymised profile only, to the corporations it is shared with.
    Stage.SHARED: {
        **_CASUSREGISSEUR,
        **_REPORTER,
        **_REGION_WITH_PROFILE,
        Relation.SHARED_CORPORATION: {VIEW_PROFILE},
    },
    Stage.MATCHED: {**_CASUSREGISSEUR, **_REPORTER, **_REGION_WITH_PROFILE, **_STEP_6},
    Stage.HOUSED: {**_CASUSREGISSEUR, **_REPORTER, **_REGION_WITH_PROFILE, **_STEP_6},
    # The trajectory ended: the shares go from every corporation and provider; the regisseurs keep the
    # case for the end evaluation and a fund claim (Bijlage 3, decided by the chair). The matched
    # corporation keeps only the match by its code, to file that claim (no grant: matching.selectors).
    Stage.ENDED: {**_CASUSREGISSEUR, **_REPORTER, **_REGION_WITH_PROFILE},
    # Art. 4.3: no further processing by the parties; the municipality keeps its Wmo file, with the
    # feedbacks it received (DPIA §10): the consultant keeps reading the profile, nobody else does.
    Stage.STOPPED: {**_CASUSREGISSEUR, **_REPORTER},
    # Stopped before the share: the consultant never got feedback 2 (the profile as written comes with
    # the share, DPIA §3 / Bijlage 2 step 4–5), so a draft stays the regisseurs' and nobody reads it now.
    Stage.STOPPED_IN_DRAFT: {**_MUNICIPALITY, **_REPORTER},
    Stage.CLOSED: {**_MUNICIPALITY, **_REPORTER},
    Stage.ERASED: {**_MUNICIPALITY, **_REPORTER},
}

# AVG art. 18: while the case is restricted, corporations and providers see nothing of it; the
# municipality and the regisseurs keep reading (storage is allowed).
PAUSED_WHILE_RESTRICTED = frozenset(
    {
        Relation.SHARED_CORPORATION,
        Relation.MATCHED_CORPORATION,
        Relation.LINKED_PROVIDER,
        Relation.REPORTING_PROVIDER,
    }
)

# The kinds of document (referrals.models.DocumentKind values) each relation may open, where its
# grant lets it open documents at all. None: every kind. Step 6 names exactly these four for the
# matched corporation: landlord statement, GBA extract, income statement (IB60), guardianship decision.
ALL_KINDS = None
DOCUMENT_KINDS = {
    Relation.CONSULTANT: ALL_KINDS,
    Relation.PRIVACY_OFFICER: ALL_KINDS,
    Relation.REGISSEUR: ALL_KINDS,
    Relation.CHAIR: ALL_KINDS,
    Relation.MATCHED_CORPORATION: frozenset(
        {"landlord_statement", "gba_extract", "income_statement", "guardianship_decision"}
    ),
}

# Stages in which the case no longer runs: stopping settles the apps' open items (shares, offers,
# agenda) once, in the transition's transaction.
FINAL_STAGES = frozenset({Stage.ENDED, Stage.STOPPED, Stage.STOPPED_IN_DRAFT, Stage.CLOSED, Stage.ERASED})


def grants_for(stage, relation, *, restricted=False):
    if restricted and relation in PAUSED_WHILE_RESTRICTED:
        return frozenset()
    return frozenset(POLICY[stage].get(relation, ()))


def document_kinds(relation):
    """The document kinds the relation may open (None: all); an empty set when it may open none."""
    return DOCUMENT_KINDS.get(relation, frozenset())
