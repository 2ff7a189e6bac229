"""Thin views of assistance activities: matching shared needs with a provider (from an offer or directly),
the activity's page, its status and the needs it covers."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.audit import client_address
from portal.models import Country

from . import permissions, selectors
from .forms import ActivityForm, ActivityStatusForm, AddNeedsForm, ExportForm, apply_validation_error
from .models import Activity, Need, Offer
from .services import matching
from .views import history_of, paginate, query_without_page


def matchable_needs(country_id: int):
    """The needs of a State an activity could cover, with those already covered (so that choosing one says
    why it cannot be matched twice): shared or further, not withdrawn."""
    return (
        Need.objects.filter(country_id=country_id, shared_at__isnull=False)
        .exclude(status__in=(Need.Status.WITHDRAWN, Need.Status.IDENTIFIED))
        .select_related("country", "instrument", "provision", "kind", "activity__provider")
        .prefetch_related("offers__provider")
    )


class StateChoiceForm(forms.Form):
    country = forms.ModelChoiceField(
        label=gettext_lazy("Beneficiary State"),
        queryset=Country.objects.none(),
        help_text=gettext_lazy("States that have shared needs."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(
            pk__in=Need.objects.filter(shared_at__isnull=False)
            .exclude(status__in=(Need.Status.WITHDRAWN, Need.Status.IDENTIFIED))
            .values("country_id")
        )


def _require_manager(user):
    if not permissions.can_manage_activities(user):
        raise PermissionDenied


def _create(request, form, *, country, offer=None):
    data = form.cleaned_data
    try:
        activity = matching.activity_create(
            by=request.user,
            provider=offer.provider if offer else data["provider"],
            country=country,
            title=data["title"],
            needs=list(data["needs"]),
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            offer=offer,
            ip_address=client_address(request),
        )
    except ValidationError as error:
        apply_validation_error(form, error)
        return None
    messages.success(request, _("The activity was recorded; the needs it covers are now matched."))
    return activity


@login_required
def activity_from_offer(request, pk):
    """Match: an activity from an offer, pre-filled; other shared needs of the State may be added."""
    _require_manager(request.user)
    offer = get_object_or_404(selectors.offers_visible_to(request.user), pk=pk)
    country = offer.need.country
    needs = matchable_needs(country.pk)
    initial = {
        "provider": offer.provider,
        "needs": [offer.need_id],
        "title": _("%(kind)s for %(state)s") % {"kind": offer.need.kind.label, "state": country.name},
        "description": offer.message,
    }
    form = ActivityForm(request.POST or None, initial=initial, needs=needs, fixed_provider=True)
    closed = _("This offer is no longer open.") if offer.status != Offer.Status.OPEN else ""
    if not closed and request.method == "POST" and form.is_valid():
        activity = _create(request, form, country=country, offer=offer)
        if activity is not None:
            return redirect(activity)
    return render(
        request,
        "assistance/activity_form.html",
        {"form": form, "offer": offer, "country": country, "needs": needs, "closed": closed},
    )


@login_required
def activity_create(request):
    """An activity recorded directly: first the State, then provider, needs, title and period."""
    _require_manager(request.user)
    state_form = StateChoiceForm(request.GET or None)
    if not state_form.is_valid():
        return render(request, "assistance/activity_state.html", {"form": state_form})
    country = state_form.cleaned_data["country"]
    needs = matchable_needs(country.pk)
    form = ActivityForm(request.POST or None, needs=needs)
    if request.method == "POST" and form.is_valid():
        activity = _create(request, form, country=country)
        if activity is not None:
            return redirect(activity)
    return render(
        request,
        "assistance/activity_form.html",
        {"form": form, "offer": None, "country": country, "needs": needs},
    )


@login_required
def activity_list(request):
    user = request.user
    activities = selectors.activities_visible_to(user).order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in Activity.Status.values:
        activities = activities.filter(status=status)
    return render(
        request,
        "assistance/activity_list.html",
        {
            "page": paginate(request, activities),
            "query": query_without_page(request),
            "statuses": Activity.Status.choices,
            "status": status,
            "can_manage": permissions.can_manage_activities(user),
            "export_form": ExportForm(initial={"language": request.LANGUAGE_CODE}),
        },
    )


def _visible_activity(request, pk) -> Activity:
    return get_object_or_404(selectors.activities_visible_to(request.user), pk=pk)


def _activity_context(request, activity, *, status_form=None, needs_form=None):
    user = request.user
    can_manage = permissions.can_manage_activities(user)
    addable = matchable_needs(activity.country_id)
    closed = activity.status in (Activity.Status.COMPLETED, Activity.Status.CANCELLED)
    return {
        "activity": activity,
        "needs": activity.needs.select_related("instrument", "provision", "kind").order_by("pk"),
        "offers": selectors.offers_visible_to(user).filter(activity=activity),
        "history": history_of(activity),
        "can_manage": can_manage,
        "status_form": (status_form or ActivityStatusForm(activity=activity)) if can_manage else None,
        "needs_form": (needs_form or AddNeedsForm(needs=addable.filter(activity__isnull=True)))
        if can_manage and not closed
        else None,
    }


@login_required
def activity_detail(request, pk):
    activity = _visible_activity(request, pk)
    return render(request, "assistance/activity_detail.html", _activity_context(request, activity))


@login_required
@require_POST
def activity_status(request, pk):
    activity = _visible_activity(request, pk)
    _require_manager(request.user)
    form = ActivityStatusForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            matching.activity_set_status(
                activity=activity,
                status=form.cleaned_data["status"],
                by=request.user,
                ip_address=client_address(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Status saved; the needs it covers follow."))
            return redirect(activity)
    return render(
        request, "assistance/activity_detail.html", _activity_context(request, activity, status_form=form)
    )


@login_required
@require_POST
def activity_add_needs(request, pk):
    activity = _visible_activity(request, pk)
    _require_manager(request.user)
    form = AddNeedsForm(request.POST, needs=matchable_needs(activity.country_id))
    if form.is_valid():
        try:
            matching.activity_add_needs(
                activity=activity,
                needs=list(form.cleaned_data["needs"]),
                by=request.user,
                ip_address=client_address(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The needs were added to the activity."))
            return redirect(activity)
    return render(
        request, "assistance/activity_detail.html", _activity_context(request, activity, needs_form=form)
    )
