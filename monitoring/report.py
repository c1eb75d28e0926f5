"""What the monitoring page, the half-yearly PDF and the CSV show: one context, built from aggregates."""

import csv
import datetime
import io

from django.core.files.base import ContentFile
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from guarantee_fund.models import CostCategory, EntryKind, LedgerEntry
from guarantee_fund.selectors import payouts_by_category
from woonkans.choices import Origin
from woonkans.parties.models import Organisation, Region
from woonkans.pdf import render_pdf
from woonkans.privacy.files import get_private_storage

from . import figures
from .models import HalfYearReport, Outcome

COLUMNS = ["reports", "referrals", "eligible", "not_eligible", "shared", "matched", "housed"]


def column_labels():
    return [
        _("Meldingen"),
        _("Aanmeldingen"),
        _("Doelgroep"),
        _("Geen doelgroep"),
        _("Profielen gedeeld"),
        _("Matches"),
        _("Gehuisvest"),
    ]


def _named(rows, model):
    names = dict(model.objects.filter(pk__in=rows.keys()).values_list("pk", "name"))
    return {names[key]: values for key, values in sorted(rows.items(), key=lambda item: names[item[0]])}


def fund_figures(start, end):
    """Balance at each month end, contributions and payouts by cost category: aggregates on the ledger."""
    monthly = (
        LedgerEntry.objects.filter(booked_on__lte=end)
        .annotate(month=TruncMonth("booked_on"))
        .values("month")
        .annotate(net=Sum("amount_cents"))
        .order_by("month")
    )
    balance, trend = 0, []
    for row in monthly:  # one row per month, not per case
        balance += row["net"]
        if row["month"] >= start.replace(day=1):
            trend.append({"month": row["month"], "balance": balance})
    period = LedgerEntry.objects.filter(booked_on__gte=start, booked_on__lte=end)
    categories = dict(CostCategory.choices)
    return {
        "trend": trend,
        "contributions": period.filter(kind=EntryKind.CONTRIBUTION).aggregate(total=Sum("amount_cents"))["total"] or 0,
        "payouts": -(period.filter(kind=EntryKind.PAYOUT).aggregate(total=Sum("amount_cents"))["total"] or 0),
        "by_category": [
            {"category": categories.get(row["lines__category"], row["lines__category"]), "total": row["total"]}
            for row in payouts_by_category(date_from=start, date_to=end)
            if row["lines__category"]
        ],
        "max_balance": max([point["balance"] for point in trend] or [1]) or 1,
    }


def build_context(start, end):
    # One scan of the facts for every dimension; the totals and the target chart reuse the region counts.
    by_dimension = figures.counts_by_dimensions(start, end)
    region_counts = by_dimension["region"]
    totals = figures.totals(start, end, region_counts=region_counts)
    young, housed = totals["young_adults_housed"], totals["housed"]
    outcome_labels = dict(Outcome.choices)
    target = figures.housed_against_target(start, end, region_counts=region_counts)
    return {
        "start": start,
        "end": end,
        "column_labels": column_labels(),
        "corporation_labels": [_("Matches"), _("Gehuisvest")],
        "count_label": [_("Aantal")],
        "regions": figures.suppress(_named(region_counts, Region), COLUMNS),
        "municipalities": figures.suppress(_named(by_dimension["municipality"], Organisation), COLUMNS),
        "corporations": figures.suppress(_named(by_dimension["corporation"], Organisation), ["matched", "housed"]),
        "target": target,
        "target_max": max([max(row["target"], row["housed"]) for row in target] or [1]) or 1,
        "lead_times": figures.lead_times(start, end),
        "age": figures.suppress({_("18–27 jaar"): {"n": young}, _("28 jaar en ouder"): {"n": housed - young}}, ["n"]),
        "origins": figures.suppress(
            {
                (str(Origin(key).label) if key in Origin.values else key) or _("Onbekend"): {"n": n}
                for key, n in figures.distribution("origin", "reported_on", start, end).items()
            },
            ["n"],
        ),
        "outcomes": figures.suppress(
            {outcome_labels.get(key, key): {"n": n} for key, n in figures.outcomes(start, end).items()}, ["n"]
        ),
        "fund": fund_figures(start, end),
    }


def render_csv(context):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Onderdeel"), _("Rij"), _("Kolom"), _("Waarde")])
    for section, table, labels in (
        ("regio", context["regions"], COLUMNS),
        ("gemeente", context["municipalities"], COLUMNS),
        ("corporatie", context["corporations"], ["matched", "housed"]),
    ):
        for name, cells in table.rows.items():
            for column in labels:
                writer.writerow([section, name, column, str(cells[column])])
        for column, cell in table.total.items():
            writer.writerow([section, _("Totaal"), column, str(cell)])
    for row in context["lead_times"]:
        writer.writerow(["doorlooptijd", row["label"], "mediaan", row["median"] if row["count"] >= 5 else "<5"])
        writer.writerow(["doorlooptijd", row["label"], "p90", row["p90"] if row["count"] >= 5 else "<5"])
    for section in ("age", "origins", "outcomes"):
        for name, cells in context[section].rows.items():
            writer.writerow([section, name, "aantal", str(cells["n"])])
    fund = context["fund"]
    writer.writerow(["fonds", "bijdragen", "cent", fund["contributions"]])
    writer.writerow(["fonds", "uitkeringen", "cent", fund["payouts"]])
    for row in fund["by_category"]:
        writer.writerow(["fonds", row["category"], "cent", row["total"]])
    return buffer.getvalue()


def previous_half_year(today):
    if today.month <= 6:
        return datetime.date(today.year - 1, 7, 1), datetime.date(today.year - 1, 12, 31)
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)


def produce_report(*, start, end, actor=None):
    context = build_context(start, end)
    title = _("Halfjaarrapportage Woonkans %(start)s – %(end)s") % {
        "start": start.strftime("%d-%m-%Y"),
        "end": end.strftime("%d-%m-%Y"),
    }
    pdf = render_pdf("pdf/monitoring_report.html", {**context, "title": title}, title=title)
    storage = get_private_storage()
    stem = f"monitoring/{start:%Y%m%d}-{end:%Y%m%d}"
    pdf_path = storage.save(f"{stem}.pdf", ContentFile(pdf))
    csv_path = storage.save(f"{stem}.csv", ContentFile(render_csv(context).encode("utf-8")))
    return HalfYearReport.objects.create(
        period_start=start, period_end=end, created_by=actor, pdf_path=pdf_path, csv_path=csv_path
    )
