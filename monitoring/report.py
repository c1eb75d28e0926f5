"""What the monitoring page, the half-yearly PDF and the CSV show: one context, built from aggregates."""

import csv
import datetime
import io

from django.core.files.base import ContentFile
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from guarantee_fund.models import CostCategory, EntryKind, LedgerEntry
from guarantee_fund.selectors import payouts_by_category
from woonkans.money import format_plain
from woonkans.pdf import render_pdf
from woonkans.privacy.files import get_private_storage

from . import charts, snapshots, suppression
from .models import HalfYearReport


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
    # Contributions and payouts of the period in one read of its entries.
    period = LedgerEntry.objects.filter(booked_on__gte=start, booked_on__lte=end).aggregate(
        contributions=Sum("amount_cents", filter=Q(kind=EntryKind.CONTRIBUTION)),
        payouts=Sum("amount_cents", filter=Q(kind=EntryKind.PAYOUT)),
    )
    categories = dict(CostCategory.choices)
    return {
        "trend": trend,
        "contributions": period["contributions"] or 0,
        "payouts": -(period["payouts"] or 0),
        "by_category": [
            {"category": categories.get(row["lines__category"], row["lines__category"]), "total": row["total"]}
            for row in payouts_by_category(date_from=start, date_to=end)
            if row["lines__category"]
        ],
        "max_balance": max([point["balance"] for point in trend] or [1]) or 1,
    }


def build_context(start, end):
    """Everything the page, the PDF and the CSV show: the period's stored figures (monitoring.snapshots,
    of the current facts: one grouped scan, suppressed as a whole) and the fund's."""
    stored = snapshots.figures_for(start, end)
    shown, target, lead_times = stored["tables"], stored["target"], stored["lead_times"]
    fund = fund_figures(start, end)
    chart = {
        **{key: mark_safe(svg) for key, svg in stored["charts"].items()},  # noqa: S308 - drawn by monitoring.charts
        "balance": charts.balance_line(
            fund["trend"],
            title=str(_("Saldo garantiefonds aan het eind van elke maand")),
            axis_label=str(_("Saldo")),
            series_label=str(_("Saldo")),
        ),
        "payouts": charts.money_bars(
            [(row["category"], row["total"]) for row in fund["by_category"]],
            title=str(_("Uitkeringen naar kostensoort")),
            axis_label=str(_("Uitgekeerd")),
        ),
    }
    return {
        "start": start,
        "end": end,
        "tables": shown,
        "regions": shown["regions"],
        "municipalities": shown["municipalities"],
        "corporations": shown["corporations"],
        "target": target,
        "lead_times": lead_times,
        "fund": fund,
        "charts": chart,
        "search_areas": stored["search_areas"],
        "main_tables": [shown[key] for key in ("regions", "municipalities", "corporations")],
        "paired_tables": [
            (shown["waiting"], chart["waiting"]),
            (shown["outcomes"], chart["outcomes"]),
            (shown["not_eligible"], ""),
            (shown["age"], ""),
            (shown["origins"], ""),
            (shown["contract_forms"], ""),
        ],
        "any_secondary": any(cell.secondary for table in shown.values() for cell in table.cells),
    }


def render_csv(context):
    """The same tables as the page, cell by cell, with the same marks ("<5", "·")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Onderdeel"), _("Rij"), _("Kolom"), _("Waarde")])
    for table in context["tables"].values():
        if not table.title:
            continue
        for name, cells in table.rows.items():
            for (_column, label), cell in zip(table.columns, cells.values(), strict=True):
                writer.writerow([table.title, name, label, cell.shown])
        for (_column, label), cell in zip(table.columns, table.total.values(), strict=False):
            writer.writerow([table.title, _("Totaal"), label, cell.shown])
    for row in context["target"]:
        writer.writerow([_("Doelstelling"), row["region"].name, _("Doelstelling naar rato"), row["target"]])
    for row in context["lead_times"]:
        shown = row["count"] >= suppression.SUPPRESS_BELOW
        writer.writerow([_("Doorlooptijden (dagen)"), row["label"], _("Aantal"), row["cell"].shown])
        writer.writerow([_("Doorlooptijden (dagen)"), row["label"], _("Mediaan"), row["median"] if shown else "<5"])
        writer.writerow([_("Doorlooptijden (dagen)"), row["label"], _("90e percentiel"), row["p90"] if shown else "<5"])
    for name, cell in context["search_areas"]:
        writer.writerow([_("Vraag naar zoekgebied (profielen gedeeld)"), name, _("Aantal"), cell.shown])
    # Amounts as plain numbers ("1234,56"), like the treasurer's CSVs: a spreadsheet reads them.
    fund = context["fund"]
    writer.writerow([_("Garantiefonds"), _("Bijdragen"), _("Bedrag in euro"), format_plain(fund["contributions"])])
    writer.writerow([_("Garantiefonds"), _("Uitkeringen"), _("Bedrag in euro"), format_plain(fund["payouts"])])
    for row in fund["by_category"]:
        writer.writerow([_("Garantiefonds"), row["category"], _("Bedrag in euro"), format_plain(row["total"])])
    for point in fund["trend"]:
        writer.writerow(
            [
                _("Saldo per maand"),
                point["month"].strftime("%m-%Y"),
                _("Bedrag in euro"),
                format_plain(point["balance"]),
            ]
        )
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
    # WeasyPrint draws SVG given as an image; the chart's text alternative goes into the img's alt.
    images = {key: charts.data_uri(svg) for key, svg in context["charts"].items() if svg}
    pdf = render_pdf("pdf/monitoring_report.html", {**context, "title": title, "images": images}, title=title)
    storage = get_private_storage()
    stem = f"monitoring/{start:%Y%m%d}-{end:%Y%m%d}"
    pdf_path = storage.save(f"{stem}.pdf", ContentFile(pdf))
    csv_path = storage.save(f"{stem}.csv", ContentFile(render_csv(context).encode("utf-8")))
    return HalfYearReport.objects.create(
        period_start=start, period_end=end, created_by=actor, pdf_path=pdf_path, csv_path=csv_path
    )
