"""Technical assistance needs: derived from the assistance block of a State's answers and kept in step with
it, recorded directly by the Secretariat, shared by the focal point, withdrawn and reopened. Every change is
audited. Matching needs to providers lives in `matching.py`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import Country, User
from surveys.models import (
    Answer,
    AssistanceKind,
    Instrument,
    ObligationLevel,
    Provision,
    Question,
    Questionnaire,
)
from surveys.structure import Structure, structure_for
from surveys.values import visible_question_ids

from .. import permissions
from ..models import Need, Offer, Priority

# A need revealed against a provision starts with the priority its obligation suggests; the focal point or
# the Secretariat can change it, and later changes of the answer keep their choice.
PRIORITY_FOR_OBLIGATION = {
    ObligationLevel.MANDATORY: Priority.HIGH,
    ObligationLevel.CONSIDER: Priority.MEDIUM,
    ObligationLevel.OPTIONAL: Priority.LOW,
}


def _wanted_kinds(question: Question, value, visible: bool) -> list[str]:
    """The kinds of assistance an assistance answer asks for, or none if it no longer counts."""
    if not visible or not isinstance(value, dict) or value.get("would_help") == "no":
        return []
    return list(dict.fromkeys(value.get("kinds") or []))


def _need_audit(need: Need, *, by: User | None, action: str, summary: str, data=None, ip_address=None):
    audit_record(
        actor=by,
        action=action,
        target=need,
        country=need.country,
        summary=summary,
        data=data or {},
        ip_address=ip_address,
    )


def close_open_offers(need: Need, *, by: User | None, note: str, keep_provider_id: int | None = None) -> None:
    """Decline the open offers for a need (all, or all but one provider's), each with its note and audit event."""
    offers = need.offers.filter(status=Offer.Status.OPEN).select_related("provider")
    if keep_provider_id is not None:
        offers = offers.exclude(provider_id=keep_provider_id)
    for offer in offers:
        offer.status, offer.decision_note = Offer.Status.DECLINED, note
        offer.save(update_fields=["status", "decision_note", "updated_at"])
        audit_record(
            actor=by,
            action="offer.declined",
            target=offer,
            country=need.country,
            summary=f"Offer by {offer.provider} closed: {note}"[:255],
        )


def needs_sync_after_save(
    *, response, question: Question, by: User | None, structure: Structure | None = None
) -> None:
    """Keep the needs of a response in step after `question` was saved (called inside the save's transaction).

    Saving an assistance question changes its needs; saving a question that decides whether an assistance
    question is shown (its compliance question) can withdraw or bring back that question's needs. Other
    saves cost nothing.
    """
    structure = structure or structure_for(response.questionnaire)
    for target_id in structure.assistance_dependents.get(question.pk, ()):
        _sync_question(response=response, question=structure.by_id[target_id], structure=structure, by=by)


def _sync_question(*, response, question: Question, structure: Structure, by: User | None) -> None:
    sources = structure.condition_sources(question)
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(response=response, question_id__in=[question.pk, *sources]).only(
            "id", "question_id", "value", "response_id"
        )
    }
    answer = answers.get(question.pk)
    if answer is None:
        return  # no answer, so no need can exist for it
    values = {qid: a.value for qid, a in answers.items()}
    visible = question.pk in visible_question_ids(_ChainView(structure, question, sources), values)
    wanted = _wanted_kinds(question, answer.value, visible)
    existing = {
        n.kind.code: n
        for n in Need.objects.select_for_update(of=("self",))
        .filter(answer=answer)
        .select_related("kind")
        .order_by("pk")
    }
    if not wanted and not existing:
        return
    details = (answer.value or {}).get("details", "") if isinstance(answer.value, dict) else ""
    kinds = {k.code: k for k in AssistanceKind.objects.filter(code__in=[*wanted, *existing])}
    provision = question.provision
    section = next(s for s in structure.sections if s.pk == question.section_id)
    for code in wanted:
        need = existing.get(code)
        if need is None and code in kinds:
            need = Need.objects.create(
                country=response.country,
                instrument_id=section.instrument_id,
                provision=provision,
                kind=kinds[code],
                description=details,
                priority=PRIORITY_FOR_OBLIGATION.get(provision.obligation, Priority.MEDIUM)
                if provision
                else Priority.MEDIUM,
                source=Need.Source.ANSWER,
                questionnaire_id=response.questionnaire_id,
                answer=answer,
                created_by=by,
            )
            _need_audit(
                need, by=by, action="need.identified", summary=f"Need identified from {question.code}: {code}"
            )
        elif need is not None:
            changed = []
            if need.description != details:
                need.description = details
                changed.append("description")
            if not need.in_answer:
                need.in_answer = True
                changed.append("in_answer")
                if need.status == Need.Status.WITHDRAWN:
                    # Back in the answer: identified again; sharing needs the focal point's consent again.
                    need.status, need.shared_at, need.shared_by = Need.Status.IDENTIFIED, None, None
                    changed += ["status", "shared_at", "shared_by"]
                    _need_audit(
                        need,
                        by=by,
                        action="need.reopened",
                        summary=f"Need back in the answer to {question.code}",
                    )
            if changed:
                need.save(update_fields=[*changed, "updated_at"])
    for code, need in existing.items():
        if code in wanted or not need.in_answer:
            continue
        need.in_answer = False
        fields = ["in_answer", "updated_at"]
        if need.status in (Need.Status.IDENTIFIED, Need.Status.SHARED):
            need.status = Need.Status.WITHDRAWN
            fields.append("status")
            close_open_offers(need, by=by, note="The State no longer asks for this assistance.")
            _need_audit(
                need,
                by=by,
                action="need.withdrawn",
                summary=f"Need withdrawn: no longer in the answer to {question.code}",
            )
        else:
            # Already matched to an activity: the Secretariat decides what to do; the need says so.
            _need_audit(
                need,
                by=by,
                action="need.left_answer",
                summary=f"The answer to {question.code} no longer asks for this matched need",
            )
        need.save(update_fields=fields)


class _ChainView:
    """The structure restricted to one question and the questions that decide whether it is shown, so that
    visibility is computed over a handful of questions instead of the whole questionnaire."""

    def __init__(self, structure: Structure, question: Question, sources: set[int]):
        keep = {question.pk, *sources}
        self.by_id = structure.by_id
        self.questions = [q for q in structure.questions if q.pk in keep]
        section_ids = {q.section_id for q in self.questions}
        self.sections = [s for s in structure.sections if s.pk in section_ids]
        self.conditions = structure.conditions
        self.section_conditions = structure.section_conditions


def need_record(
    *,
    by: User,
    country: Country,
    instrument: Instrument,
    kind: AssistanceKind,
    description: str,
    priority: str = Priority.MEDIUM,
    provision: Provision | None = None,
    questionnaire: Questionnaire | None = None,
    ip_address: str | None = None,
) -> Need:
    """The Secretariat records a need directly (from a country visit, a request, a review)."""
    if not permissions.can_record_need(by):
        raise PermissionDenied(_("Only the Secretariat records needs directly."))
    if provision is not None and provision.article.instrument_id != instrument.pk:
        raise ValidationError({"provision": _("This provision belongs to another instrument.")})
    need = Need(
        country=country,
        instrument=instrument,
        provision=provision,
        kind=kind,
        description=description.strip(),
        priority=priority,
        source=Need.Source.SECRETARIAT,
        questionnaire=questionnaire,
        created_by=by,
    )
    need.full_clean()
    with transaction.atomic():
        need.save()
        _need_audit(
            need,
            by=by,
            action="need.recorded",
            summary=f"Need recorded for {country.iso3}: {kind.code}",
            ip_address=ip_address,
        )
    return need


def _locked(need: Need) -> Need:
    return (
        Need.objects.select_for_update(of=("self",))
        .select_related("country", "kind")
        .order_by()
        .get(pk=need.pk)
    )


def need_share(*, need: Need, by: User, ip_address: str | None = None) -> Need:
    """The focal point consents to showing the need to assistance providers."""
    with transaction.atomic():
        need = _locked(need)
        if not permissions.can_share_need(by, need):
            raise PermissionDenied(_("Only your State's focal point shares its identified needs."))
        need.status, need.shared_at, need.shared_by = Need.Status.SHARED, timezone.now(), by
        need.save(update_fields=["status", "shared_at", "shared_by", "updated_at"])
        _need_audit(
            need,
            by=by,
            action="need.shared",
            summary="Shared with assistance providers",
            ip_address=ip_address,
        )
    return need


def needs_share(*, needs, by: User, ip_address: str | None = None) -> int:
    """Share several identified needs at once (the focal point's list page); returns how many were shared."""
    shared = 0
    with transaction.atomic():
        for need in needs:
            if permissions.can_share_need(by, need):
                need_share(need=need, by=by, ip_address=ip_address)
                shared += 1
    return shared


def need_unshare(*, need: Need, by: User, ip_address: str | None = None) -> Need:
    """The focal point takes back consent before the need is matched; open offers are closed."""
    with transaction.atomic():
        need = _locked(need)
        if not permissions.can_unshare_need(by, need):
            raise PermissionDenied(
                _("Only your State's focal point can stop sharing a need, before it is matched.")
            )
        need.status, need.shared_at, need.shared_by = Need.Status.IDENTIFIED, None, None
        need.save(update_fields=["status", "shared_at", "shared_by", "updated_at"])
        close_open_offers(need, by=by, note="The State stopped sharing this need.")
        _need_audit(
            need,
            by=by,
            action="need.unshared",
            summary="No longer shared with providers",
            ip_address=ip_address,
        )
    return need


def need_set_priority(*, need: Need, priority: str, by: User, ip_address: str | None = None) -> Need:
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose high, medium or low.")})
    with transaction.atomic():
        need = _locked(need)
        if not permissions.can_change_priority(by, need):
            raise PermissionDenied(_("You may not change the priority of this need."))
        before = need.priority
        if before != priority:
            need.priority = priority
            need.save(update_fields=["priority", "updated_at"])
            _need_audit(
                need,
                by=by,
                action="need.priority_changed",
                summary=f"Priority {before} → {priority}",
                data={"before": before, "after": priority},
                ip_address=ip_address,
            )
    return need


def need_withdraw(*, need: Need, by: User, reason: str = "", ip_address: str | None = None) -> Need:
    with transaction.atomic():
        need = _locked(need)
        if not permissions.can_withdraw_need(by, need):
            raise PermissionDenied(
                _("This need cannot be withdrawn now (only identified or shared needs can).")
            )
        need.status = Need.Status.WITHDRAWN
        need.save(update_fields=["status", "updated_at"])
        close_open_offers(need, by=by, note="The need was withdrawn.")
        _need_audit(
            need,
            by=by,
            action="need.withdrawn",
            summary=f"Withdrawn: {reason}" if reason else "Withdrawn",
            data={"reason": reason},
            ip_address=ip_address,
        )
    return need


def need_reopen(*, need: Need, by: User, ip_address: str | None = None) -> Need:
    with transaction.atomic():
        need = _locked(need)
        if not permissions.can_reopen_need(by, need):
            raise PermissionDenied(_("Only a withdrawn need that the State still asks for can be reopened."))
        need.status, need.shared_at, need.shared_by = Need.Status.IDENTIFIED, None, None
        need.save(update_fields=["status", "shared_at", "shared_by", "updated_at"])
        _need_audit(need, by=by, action="need.reopened", summary="Reopened", ip_address=ip_address)
    return need
