"""Thin views of technical assistance needs and offers: lists scoped by `selectors.*_visible_to`, consent
actions of the focal point, offers of providers and the Secretariat's decisions on them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import client_address
from portal.models import NATIONAL_ROLES, AuditEvent, Country

from . import permissions, selectors
from .forms import (
    DeclineForm,
    ExportForm,
    NeedFilterForm,
    NeedRecordForm,
    OfferForm,
    PriorityForm,
    SelectNeedsForm,
    WithdrawForm,
    apply_validation_error,
)
from .models import PRIORITY_ORDER, Need, Offer
from .services import matching
from .services import needs as need_services

PER_PAGE = 25


def paginate(request, items, per_page=PER_PAGE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def history_of(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )


def _filter_form(request, needs):
    user = request.user
    if permissions.is_provider(user):
        statuses = [(s.value, s.label) for s in permissions.PROVIDER_VISIBLE_STATUSES]
    else:
        statuses = Need.Status.choices
    countries = Country.objects.filter(pk__in=needs.order_by().values("country_id"))
    form = NeedFilterForm(request.GET or None, countries=countries, statuses=statuses)
    if user.role in NATIONAL_ROLES:
        # A State's people see their own State's needs: no region or State to choose.
        del form.fields["region"], form.fields["country"]
    return form


def filtered_needs(request):
    """The needs the user may see, narrowed by the list's filters (also used by the export)."""
    needs = selectors.needs_visible_to(request.user)
    form = _filter_form(request, needs)
    return form, selectors.NeedFilters(**form.filters()).apply(needs)


@login_required
def need_list(request):
    user = request.user
    form, needs = filtered_needs(request)
    needs = selectors.needs_with_offer_counts(needs, user).order_by(
        Case(
            *(When(priority=p, then=Value(rank)) for p, rank in PRIORITY_ORDER.items()),
            output_field=IntegerField(),
        ),
        "country__name",
        "pk",
    )
    page = paginate(request, needs)
    may_share = user.role == "focal_point" and user.country_id is not None
    return render(
        request,
        "assistance/need_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "is_provider": permissions.is_provider(user),
            "is_secretariat": permissions.is_secretariat(user),
            "may_share": may_share,
            "can_record": permissions.can_record_need(user),
            "export_form": ExportForm(initial={"language": request.LANGUAGE_CODE}),
        },
    )


@login_required
def need_create(request):
    if not permissions.can_record_need(request.user):
        raise PermissionDenied
    form = NeedRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = need_services.need_record(
                by=request.user, ip_address=client_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The need was recorded. Only the State's focal point can share it."))
            return redirect(need)
    return render(request, "assistance/need_form.html", {"form": form})


@login_required
@require_POST
def needs_share_selected(request):
    user = request.user
    if user.role != "focal_point":
        raise PermissionDenied
    candidates = selectors.needs_visible_to(user).filter(status=Need.Status.IDENTIFIED)
    form = SelectNeedsForm(request.POST, needs=candidates)
    if not form.is_valid():
        messages.error(request, _("Choose the identified needs to share."))
    else:
        count = need_services.needs_share(
            needs=form.cleaned_data["needs"], by=user, ip_address=client_address(request)
        )
        messages.success(
            request,
            _("%(count)s need(s) shared with assistance providers.") % {"count": count},
        )
    return redirect("assistance:need_list")


def _need_context(request, need, *, offer_form=None, priority_form=None):
    user = request.user
    my_offer = None
    if permissions.is_provider(user):
        my_offer = next(
            (o for o in selectors.offers_visible_to(user).filter(need=need, status=Offer.Status.OPEN)),
            None,
        )
    offers = selectors.offers_visible_to(user).filter(need=need)
    return {
        "need": need,
        "offers": offers,
        "my_offer": my_offer,
        "history": history_of(need) if not permissions.is_provider(user) else None,
        "can_share": permissions.can_share_need(user, need),
        "can_unshare": permissions.can_unshare_need(user, need),
        "can_change_priority": permissions.can_change_priority(user, need),
        "can_withdraw": permissions.can_withdraw_need(user, need),
        "can_reopen": permissions.can_reopen_need(user, need),
        "can_offer": permissions.can_offer(user, need) and my_offer is None,
        "can_view_activity": bool(need.activity_id) and permissions.can_view_activity(user, need.activity),
        "is_secretariat": permissions.is_secretariat(user),
        "offer_form": offer_form or OfferForm(),
        "priority_form": priority_form or PriorityForm(initial={"priority": need.priority}),
        "withdraw_form": WithdrawForm(),
        "decline_form": DeclineForm(),
    }


def _visible_need(request, pk) -> Need:
    return get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)


@login_required
def need_detail(request, pk):
    need = _visible_need(request, pk)
    return render(request, "assistance/need_detail.html", _need_context(request, need))


def _need_action(request, pk, action, success):
    need = _visible_need(request, pk)
    try:
        action(need)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(need)


@login_required
@require_POST
def need_share(request, pk):
    return _need_action(
        request,
        pk,
        lambda need: need_services.need_share(need=need, by=request.user, ip_address=client_address(request)),
        _("The need is now shared with assistance providers."),
    )


@login_required
@require_POST
def need_unshare(request, pk):
    return _need_action(
        request,
        pk,
        lambda need: need_services.need_unshare(
            need=need, by=request.user, ip_address=client_address(request)
        ),
        _("The need is no longer shared; open offers were closed."),
    )


@login_required
@require_POST
def need_withdraw(request, pk):
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _need_action(
        request,
        pk,
        lambda need: need_services.need_withdraw(
            need=need, by=request.user, reason=reason, ip_address=client_address(request)
        ),
        _("The need was withdrawn."),
    )


@login_required
@require_POST
def need_reopen(request, pk):
    return _need_action(
        request,
        pk,
        lambda need: need_services.need_reopen(
            need=need, by=request.user, ip_address=client_address(request)
        ),
        _("The need was reopened; it must be shared again to reach providers."),
    )


@login_required
@require_POST
def need_priority(request, pk):
    need = _visible_need(request, pk)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        if not permissions.can_change_priority(request.user, need):
            raise PermissionDenied
        return render(
            request, "assistance/need_detail.html", _need_context(request, need, priority_form=form)
        )
    need_services.need_set_priority(
        need=need, priority=form.cleaned_data["priority"], by=request.user, ip_address=client_address(request)
    )
    messages.success(request, _("Priority saved."))
    return redirect(need)


@login_required
@require_POST
def offer_make(request, pk):
    need = _visible_need(request, pk)
    if not permissions.is_provider(request.user):
        raise PermissionDenied
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            matching.offer_make(
                need=need,
                by=request.user,
                message=form.cleaned_data["message"],
                ip_address=client_address(request),
            )
        except (ValidationError, PermissionDenied) as error:
            # The need may have been matched or unshared since the page was opened: say so, keep the text.
            if isinstance(error, PermissionDenied):
                form.add_error(None, str(error) or _("This need no longer takes offers."))
            else:
                apply_validation_error(form, error)
            need = _visible_need(request, pk)
        else:
            messages.success(request, _("Your offer was sent to the Secretariat."))
            return redirect(need)
    context = _need_context(request, need, offer_form=form)
    context["offer_refused"] = True
    return render(request, "assistance/need_detail.html", context)


@login_required
def offer_list(request):
    """The Secretariat's offers: open ones first."""
    if not permissions.is_secretariat(request.user):
        raise PermissionDenied
    offers = selectors.offers_visible_to(request.user).order_by(
        Case(When(status=Offer.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-created_at",
        "-pk",
    )
    status = request.GET.get("status", "")
    if status in Offer.Status.values:
        offers = offers.filter(status=status)
    return render(
        request,
        "assistance/offer_list.html",
        {
            "page": paginate(request, offers),
            "query": query_without_page(request),
            "statuses": Offer.Status.choices,
            "status": status,
            "decline_form": DeclineForm(),
        },
    )


@login_required
def my_assistance(request):
    """A provider's offers and activities."""
    user = request.user
    if not permissions.is_provider(user):
        raise PermissionDenied
    offers = selectors.offers_visible_to(user).order_by(
        Case(When(status=Offer.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-created_at",
        "-pk",
    )
    activities = selectors.activities_visible_to(user).order_by("-created_at", "-pk")
    return render(
        request,
        "assistance/my_assistance.html",
        {"offers": paginate(request, offers), "activities": activities[:100]},
    )


def _visible_offer(request, pk) -> Offer:
    return get_object_or_404(selectors.offers_visible_to(request.user), pk=pk)


@login_required
@require_POST
def offer_withdraw(request, pk):
    offer = _visible_offer(request, pk)
    if not permissions.can_withdraw_offer(request.user, offer):
        raise PermissionDenied
    matching.offer_withdraw(offer=offer, by=request.user, ip_address=client_address(request))
    messages.success(request, _("Your offer was withdrawn."))
    return redirect("assistance:my_assistance")


@login_required
@require_POST
def offer_decline(request, pk):
    offer = _visible_offer(request, pk)
    if not permissions.is_secretariat(request.user):
        raise PermissionDenied
    form = DeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        matching.offer_decline(offer=offer, by=request.user, note=note, ip_address=client_address(request))
    except (ValidationError, PermissionDenied):
        messages.error(request, _("This offer is no longer open."))
    else:
        messages.success(request, _("The offer was declined; the provider sees your note."))
    return redirect("assistance:offer_list")
