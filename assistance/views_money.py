"""Thin views of contributions, operational rates of exchange, coverage and the exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from portal.audit import client_address

from . import exports, permissions, selectors
from .forms import (
    ContributionFilterForm,
    ContributionForm,
    ExportForm,
    RateForm,
    RateUploadForm,
    apply_validation_error,
)
from .models import Contribution, ExchangeRate, Need, Priority, Provider
from .rates_upload import RatesRejected, rates_upload
from .services import contributions as contribution_services
from .views import filtered_needs, paginate, query_without_page


def _contribution_filter_form(request, contributions):
    donors = Provider.objects.filter(pk__in=contributions.order_by().values("donor_id"))
    return ContributionFilterForm(request.GET or None, donors=donors)


@login_required
def contribution_list(request):
    user = request.user
    if not permissions.can_view_contributions(user):
        raise PermissionDenied
    contributions = selectors.contributions_visible_to(user)
    form = _contribution_filter_form(request, contributions)
    contributions = form.apply(contributions)
    return render(
        request,
        "assistance/contribution_list.html",
        {
            "form": form,
            "page": paginate(request, contributions),
            "query": query_without_page(request),
            "totals": selectors.totals_by_donor_and_year(contributions),
            "outstanding": selectors.outstanding_pledges(contributions.select_related("donor")),
            "can_record": permissions.can_record_contribution(user),
            "export_form": ExportForm(initial={"language": request.LANGUAGE_CODE}),
        },
    )


@login_required
def contribution_detail(request, pk):
    user = request.user
    if not permissions.can_view_contributions(user):
        raise PermissionDenied
    contribution = get_object_or_404(selectors.contributions_visible_to(user), pk=pk)
    return render(
        request,
        "assistance/contribution_detail.html",
        {
            "contribution": contribution,
            "fulfilments": contribution.fulfilments.order_by("date", "pk"),
            "earmarked_needs": contribution.earmarked_needs.select_related("country", "kind", "provision"),
        },
    )


def _shared_needs():
    return (
        Need.objects.filter(shared_at__isnull=False)
        .exclude(status__in=(Need.Status.IDENTIFIED, Need.Status.WITHDRAWN))
        .select_related("country", "instrument", "provision", "kind")
    )


def _missing_rate(form) -> dict | None:
    """When the service refused for want of a rate: which one, to link to the rates page."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    currency, day = data.get("currency"), data.get("date")
    if not currency or not day or currency == contribution_services.USD:
        return None
    month = contribution_services.month_of(day)
    if ExchangeRate.objects.filter(currency=currency, month=month).exists():
        return None
    return {"currency": currency, "month": month}


@login_required
def contribution_create(request):
    user = request.user
    if not permissions.can_record_contribution(user):
        raise PermissionDenied
    pledges = Contribution.objects.filter(kind=Contribution.Kind.PLEDGE).select_related("donor")
    form = ContributionForm(
        request.POST or None,
        language=request.LANGUAGE_CODE,
        pledges=pledges,
        shared_needs=_shared_needs(),
        initial={"currency": contribution_services.USD},
    )
    missing_rate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contribution = contribution_services.contribution_record(
                by=user,
                donor=data["donor"],
                kind=data["kind"],
                date=data["date"],
                currency=data["currency"],
                amount=data["amount"],
                pledge=data["pledge"],
                earmark=data["earmark"],
                earmarked_instrument=data["earmarked_instrument"],
                earmarked_region=data["earmarked_region"],
                earmarked_country=data["earmarked_country"],
                earmarked_needs=list(data["earmarked_needs"]),
                reference=data["reference"],
                note=data["note"],
                ip_address=client_address(request),
            )
        except ValidationError as error:
            missing_rate = _missing_rate(form)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The contribution was recorded."))
            return redirect(contribution)
    return render(request, "assistance/contribution_form.html", {"form": form, "missing_rate": missing_rate})


@login_required
def rate_list(request):
    user = request.user
    if not permissions.can_manage_rates(user):
        raise PermissionDenied
    rate_form = RateForm(
        request.POST if request.POST.get("action") == "set" else None,
        language=request.LANGUAGE_CODE,
        initial={"currency": request.GET.get("currency", ""), "month": request.GET.get("month", "")},
    )
    upload_form = RateUploadForm(
        request.POST if request.POST.get("action") == "upload" else None,
        request.FILES if request.POST.get("action") == "upload" else None,
    )
    row_errors = []
    if request.method == "POST":
        if request.POST.get("action") == "set" and rate_form.is_valid():
            data = rate_form.cleaned_data
            try:
                rate = contribution_services.exchange_rate_set(
                    by=user,
                    currency=data["currency"],
                    month=data["month"],
                    units_per_usd=data["units_per_usd"],
                    ip_address=client_address(request),
                )
            except ValidationError as error:
                apply_validation_error(rate_form, error)
            else:
                messages.success(
                    request,
                    _("Rate saved: %(currency)s %(month)s = %(rate)s per US dollar.")
                    % {
                        "currency": rate.currency,
                        "month": rate.month.strftime("%Y-%m"),
                        "rate": rate.units_per_usd,
                    },
                )
                return redirect("assistance:rate_list")
        elif request.POST.get("action") == "upload" and upload_form.is_valid():
            data = upload_form.cleaned_data
            try:
                count = rates_upload(
                    by=user,
                    month=data["month"],
                    content=data["file"].read(),
                    ip_address=client_address(request),
                )
            except RatesRejected as rejected:
                row_errors = rejected.errors
                upload_form.add_error(
                    None, _("Nothing was saved: correct these rows and upload the file again.")
                )
            else:
                messages.success(
                    request,
                    _("%(count)s rates saved for %(month)s.")
                    % {"count": count, "month": data["month"].strftime("%Y-%m")},
                )
                return redirect("assistance:rate_list")
    rates = ExchangeRate.objects.order_by("-month", "currency")
    return render(
        request,
        "assistance/rate_list.html",
        {
            "rate_form": rate_form,
            "upload_form": upload_form,
            "row_errors": row_errors,
            "page": paginate(request, rates, per_page=100),
            "query": query_without_page(request),
        },
    )


@login_required
def coverage(request):
    if not permissions.can_view_coverage(request.user):
        raise PermissionDenied
    labels = {"region": _("By region"), "kind": _("By kind of assistance"), "instrument": _("By instrument")}
    tables = [
        {"by": by, "title": labels[by], "rows": selectors.coverage(by=by)}
        for by in selectors.COVERAGE_DIMENSIONS
    ]
    gaps = (
        selectors.needs_visible_to(request.user)
        .filter(priority=Priority.HIGH, status=Need.Status.SHARED, activity__isnull=True)
        .exclude(offers__status="open")
        .order_by("country__name", "pk")
    )
    return render(
        request,
        "assistance/coverage.html",
        {"tables": tables, "unearmarked": selectors.unearmarked_funds(), "gaps": gaps},
    )


CONTENT_TYPES = {"csv": exports.CSV_CONTENT_TYPE, "xlsx": exports.XLSX_CONTENT_TYPE}


@login_required
def export(request, name, file_format):
    """`?language=` among the portal's languages; the rows are those of the page, with its filters."""
    user = request.user
    if name not in exports.EXPORTS or file_format not in CONTENT_TYPES:
        raise Http404
    form = ExportForm(request.GET)
    language = form.cleaned_data["language"] if form.is_valid() else translation.get_language()
    rows = None
    if name == "needs":
        _form, needs = filtered_needs(request)
        rows = needs
    elif name == "contributions":
        if not permissions.can_view_contributions(user):
            raise PermissionDenied
        contributions = selectors.contributions_visible_to(user)
        rows = (
            _contribution_filter_form(request, contributions)
            .apply(contributions)
            .prefetch_related("earmarked_needs")
        )
    writer = exports.export_csv if file_format == "csv" else exports.export_xlsx
    try:
        content = writer(name, user=user, language=language, rows=rows, ip_address=client_address(request))
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(name, language, file_format)}"'
    )
    return response
