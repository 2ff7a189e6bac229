"""Matching shared needs to providers: offers from providers, and the activities the Secretariat records so
that two providers never fund the same need unknowingly. A need belongs to at most one activity."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import Country, User

from .. import permissions
from ..models import Activity, Need, Offer, Provider
from .needs import close_open_offers

MAX_TEXT = 10_000

# What an activity's status means for the needs it covers.
NEED_STATUS_FOR_ACTIVITY = {
    Activity.Status.PLANNED: Need.Status.MATCHED,
    Activity.Status.IN_PROGRESS: Need.Status.IN_PROGRESS,
    Activity.Status.COMPLETED: Need.Status.MET,
}

ACTIVITY_TRANSITIONS = {
    Activity.Status.PLANNED: (
        Activity.Status.IN_PROGRESS,
        Activity.Status.COMPLETED,
        Activity.Status.CANCELLED,
    ),
    Activity.Status.IN_PROGRESS: (Activity.Status.COMPLETED, Activity.Status.CANCELLED),
    Activity.Status.COMPLETED: (),
    Activity.Status.CANCELLED: (),
}


def _clean_text(text: str, *, field: str, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Keep this under %(count)s characters.") % {"count": MAX_TEXT}})
    return text


def offer_make(*, need: Need, by: User, message: str, ip_address: str | None = None) -> Offer:
    """A provider offers to help with a shared need that is not matched yet."""
    message = _clean_text(message, field="message")
    with transaction.atomic():
        need = (
            Need.objects.select_for_update(of=("self",)).select_related("country").order_by().get(pk=need.pk)
        )
        if not permissions.can_offer(by, need):
            raise PermissionDenied(
                _("Offers can only be made by providers, for shared needs not yet matched.")
            )
        if Offer.objects.filter(provider_id=by.provider_id, need=need, status=Offer.Status.OPEN).exists():
            raise ValidationError(_("Your organization already has an open offer for this need."))
        offer = Offer.objects.create(provider_id=by.provider_id, need=need, message=message, created_by=by)
        audit_record(
            actor=by,
            action="offer.made",
            target=offer,
            country=need.country,
            summary=f"Offer by {offer.provider} for need {need.pk}",
            ip_address=ip_address,
        )
    return offer


def _offer_close(
    *,
    offer: Offer,
    by: User,
    allowed,
    refusal: str,
    status: str,
    action: str,
    note: str = "",
    ip_address=None,
) -> Offer:
    """Withdraw or decline an open offer: lock it, check who may, record the outcome."""
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("need__country", "provider")
            .get(pk=offer.pk)
        )
        if not allowed(by, offer):
            raise PermissionDenied(refusal)
        offer.status, offer.decision_note = status, note
        offer.save(update_fields=["status", "decision_note", "updated_at"])
        audit_record(
            actor=by,
            action=action,
            target=offer,
            country=offer.need.country,
            summary=f"Offer by {offer.provider} {status}",
            data={"note": note} if note else {},
            ip_address=ip_address,
        )
    return offer


def offer_withdraw(*, offer: Offer, by: User, ip_address: str | None = None) -> Offer:
    return _offer_close(
        offer=offer,
        by=by,
        allowed=permissions.can_withdraw_offer,
        refusal=_("Only the provider that made an open offer can withdraw it."),
        status=Offer.Status.WITHDRAWN,
        action="offer.withdrawn",
        ip_address=ip_address,
    )


def offer_decline(*, offer: Offer, by: User, note: str = "", ip_address: str | None = None) -> Offer:
    return _offer_close(
        offer=offer,
        by=by,
        allowed=permissions.can_decide_offer,
        refusal=_("Only the Secretariat decides on open offers."),
        status=Offer.Status.DECLINED,
        action="offer.declined",
        note=_clean_text(note, field="note", required=False),
        ip_address=ip_address,
    )


def _check_period(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The activity cannot end before it starts.")})


def _attach_needs(*, activity: Activity, need_ids, by: User, ip_address: str | None) -> list[Need]:
    """Lock the needs, check each can be covered by this activity, and attach them."""
    needs = list(
        Need.objects.select_for_update(of=("self",))
        .select_related("country", "kind")
        .filter(pk__in=need_ids)
        .order_by("pk")
    )
    if len(needs) != len(set(need_ids)):
        raise ValidationError({"needs": _("Some of the chosen needs do not exist.")})
    problems = []
    for need in needs:
        if need.country_id != activity.country_id:
            problems.append(
                _("Need %(id)s is a need of %(state)s, not of the beneficiary State.")
                % {"id": need.pk, "state": need.country}
            )
        elif need.activity_id is not None:
            problems.append(
                _(
                    "Need %(id)s is already covered by the activity “%(activity)s”: a need is matched only once."
                )
                % {"id": need.pk, "activity": need.activity}
            )
        elif need.status != Need.Status.SHARED:
            problems.append(
                _("Need %(id)s has not been shared by its State (status: %(status)s).")
                % {"id": need.pk, "status": need.get_status_display()}
            )
    if problems:
        raise ValidationError({"needs": problems})
    status = NEED_STATUS_FOR_ACTIVITY.get(activity.status, Need.Status.MATCHED)
    for need in needs:
        need.activity, need.status = activity, status
        need.save(update_fields=["activity", "status", "updated_at"])
        audit_record(
            actor=by,
            action="need.matched",
            target=need,
            country=need.country,
            summary=f"Matched to activity {activity.pk} ({activity.provider})"[:255],
            ip_address=ip_address,
        )
        # Other providers' open offers for this need are closed, so that nobody funds it twice unknowingly.
        close_open_offers(
            need, by=by, note="Matched with another provider.", keep_provider_id=activity.provider_id
        )
    return needs


def activity_create(
    *,
    by: User,
    provider: Provider,
    country: Country,
    title: str,
    needs,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    offer: Offer | None = None,
    ip_address: str | None = None,
) -> Activity:
    """The Secretariat matches shared needs of one State with one provider (from an offer or directly)."""
    if not permissions.can_manage_activities(by):
        raise PermissionDenied(_("Only the Secretariat matches needs with providers."))
    title = _clean_text(title, field="title")[:200]
    description = _clean_text(description, field="description", required=False)
    _check_period(starts_on, ends_on)
    need_ids = [n.pk if isinstance(n, Need) else int(n) for n in needs]
    if offer is not None:
        need_ids = list(dict.fromkeys([offer.need_id, *need_ids]))
    if not need_ids:
        raise ValidationError({"needs": _("Choose at least one need that the activity covers.")})
    with transaction.atomic():
        if offer is not None:
            offer = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
            if not permissions.can_decide_offer(by, offer):
                raise ValidationError(_("This offer is no longer open."))
            if offer.provider_id != provider.pk:
                raise ValidationError(
                    {"provider": _("The activity's provider must be the one that made the offer.")}
                )
        activity = Activity.objects.create(
            title=title,
            description=description,
            provider=provider,
            country=country,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by,
        )
        _attach_needs(activity=activity, need_ids=need_ids, by=by, ip_address=ip_address)
        if offer is not None:
            offer.status, offer.activity = Offer.Status.ACCEPTED, activity
            offer.save(update_fields=["status", "activity", "updated_at"])
            audit_record(
                actor=by,
                action="offer.accepted",
                target=offer,
                country=country,
                summary=f"Offer by {provider} accepted into activity {activity.pk}",
                ip_address=ip_address,
            )
        audit_record(
            actor=by,
            action="activity.created",
            target=activity,
            country=country,
            summary=f"Activity “{title}” with {provider} for {country.iso3}: {len(need_ids)} need(s)"[:255],
            data={"needs": need_ids},
            ip_address=ip_address,
        )
    return activity


def activity_add_needs(*, activity: Activity, needs, by: User, ip_address: str | None = None) -> Activity:
    if not permissions.can_manage_activities(by):
        raise PermissionDenied(_("Only the Secretariat matches needs with providers."))
    need_ids = [n.pk if isinstance(n, Need) else int(n) for n in needs]
    if not need_ids:
        raise ValidationError({"needs": _("Choose at least one need that the activity covers.")})
    with transaction.atomic():
        activity = (
            Activity.objects.select_for_update(of=("self",)).select_related("provider").get(pk=activity.pk)
        )
        if activity.status in (Activity.Status.COMPLETED, Activity.Status.CANCELLED):
            raise ValidationError(_("This activity is closed: needs can no longer be added."))
        _attach_needs(activity=activity, need_ids=need_ids, by=by, ip_address=ip_address)
    return activity


def activity_set_status(
    *, activity: Activity, status: str, by: User, ip_address: str | None = None
) -> Activity:
    """Move an activity on; the needs it covers follow (in progress, met), or go back to shared if cancelled."""
    if not permissions.can_manage_activities(by):
        raise PermissionDenied(_("Only the Secretariat manages activities."))
    with transaction.atomic():
        activity = (
            Activity.objects.select_for_update(of=("self",)).select_related("country").get(pk=activity.pk)
        )
        if status not in ACTIVITY_TRANSITIONS.get(activity.status, ()):
            raise ValidationError(
                _("An activity that is “%(current)s” cannot become “%(wanted)s”.")
                % {
                    "current": activity.get_status_display(),
                    "wanted": dict(Activity.Status.choices).get(status, status),
                }
            )
        before = activity.status
        activity.status = status
        activity.save(update_fields=["status", "updated_at"])
        needs = list(Need.objects.select_for_update(of=("self",)).filter(activity=activity).order_by("pk"))
        for need in needs:
            if status == Activity.Status.CANCELLED:
                need.activity, need.status = None, Need.Status.SHARED
            else:
                need.status = NEED_STATUS_FOR_ACTIVITY[status]
            need.save(update_fields=["activity", "status", "updated_at"])
            audit_record(
                actor=by,
                action=f"need.{need.status}",
                target=need,
                country=activity.country,
                summary=f"Activity {activity.pk} {status}: need now {need.status}",
                ip_address=ip_address,
            )
        audit_record(
            actor=by,
            action="activity.status_changed",
            target=activity,
            country=activity.country,
            summary=f"Activity {before} → {status}",
            data={"before": before, "after": status},
            ip_address=ip_address,
        )
    return activity
