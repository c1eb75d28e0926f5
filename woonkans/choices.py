"""Enums that apps on both sides of a forbidden import arrow use (pyproject.toml, import-linter).

They live in core so that e.g. monitoring can label a case's origin and age band without importing
referrals or matching. The owning apps re-export them under their old names.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    B18_22 = "18-22", "18–22"
    B23_27 = "23-27", "23–27"
    B28_35 = "28-35", "28–35"
    B36_50 = "36-50", "36–50"
    B51_PLUS = "51+", _("51 en ouder")

    @classmethod
    def for_age(cls, age):
        if age is None:
            return ""
        for band, upper in ((cls.B18_22, 22), (cls.B23_27, 27), (cls.B28_35, 35), (cls.B36_50, 50)):
            if age <= upper:
                return band
        return cls.B51_PLUS


class Origin(models.TextChoices):
    SHELTERED_HOUSING = "bw", _("Beschermd wonen")
    SHELTER = "mo", _("Maatschappelijke opvang")
    THREATENED_HOMELESSNESS = "homelessness", _("Dreigende dakloosheid")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Huiselijk geweld of mensenhandel")
    OTHER = "other", _("Anders")
