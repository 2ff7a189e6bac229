"""The review workflow: the Secretariat takes up a submitted response, asks for clarification on precise
answers, and accepts it once no question is open. Each transition checks the role and the current
status under a row lock, records an audit event and tells the people concerned, in their language."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import Role, User

from .. import permissions
from ..models import Comment, Question, Response

Status = Response.Status

# status -> {action: new status}; nothing else is possible.
TRANSITIONS = {
    Status.SUBMITTED: {"start_review": Status.UNDER_REVIEW},
    Status.RESUBMITTED: {"start_review": Status.UNDER_REVIEW},
    Status.UNDER_REVIEW: {"return": Status.RETURNED, "accept": Status.ACCEPTED},
}


def _transition(
    *, response: Response, action: str, by: User, ip_address, summary: str = "", extra=None
) -> Response:
    if not permissions.can_review(by):
        raise PermissionDenied(_("Only the Secretariat reviews responses."))
    with transaction.atomic():
        locked = (
            Response.objects.select_for_update()
            .select_related("country", "questionnaire")
            .get(pk=response.pk)
        )
        target = TRANSITIONS.get(locked.status, {}).get(action)
        if target is None:
            raise ValidationError(
                _("This cannot be done while the response is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        if extra is not None:
            extra(locked)
        previous = locked.status
        locked.status = target
        fields = ["status", "updated_at"]
        if action == "return":
            locked.return_summary = summary
            fields.append("return_summary")
        if action == "accept":
            locked.accepted_at = timezone.now()
            fields.append("accepted_at")
        locked.save(update_fields=fields)
        audit_record(
            actor=by,
            action=f"response.{action}",
            target=locked,
            country=locked.country,
            summary=f"{locked}: {previous} → {target}",
            data={"from": previous, "to": target, "summary": summary},
            ip_address=ip_address,
        )
        transaction.on_commit(lambda: notify_status(locked, by=by))
    return locked


def response_start_review(*, response: Response, by: User, ip_address: str | None = None) -> Response:
    return _transition(response=response, action="start_review", by=by, ip_address=ip_address)


def _refuse_nul(text: str, field: str) -> None:
    # The database stores no NUL character: refuse it as a form field would, rather than fail on saving.
    if "\x00" in text:
        raise ValidationError({field: _("Null characters are not allowed.")})


def response_return(*, response: Response, by: User, summary: str, ip_address: str | None = None) -> Response:
    """Send the response back to the State with a summary of what to clarify (and open comments)."""
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Say what the State should clarify.")})
    _refuse_nul(summary, "summary")

    def needs_open_comment(locked):
        if not locked.comments.filter(resolved_at__isnull=True).exists():
            raise ValidationError(_("Add a comment on at least one answer before returning the response."))

    return _transition(
        response=response,
        action="return",
        by=by,
        ip_address=ip_address,
        summary=summary,
        extra=needs_open_comment,
    )


def response_accept(*, response: Response, by: User, ip_address: str | None = None) -> Response:
    def no_open_comment(locked):
        count = locked.comments.filter(resolved_at__isnull=True).count()
        if count:
            raise ValidationError(
                _("%(count)s comments are still open. Resolve them before accepting the response.")
                % {"count": count}
            )

    return _transition(
        response=response, action="accept", by=by, ip_address=ip_address, extra=no_open_comment
    )


def comment_add(
    *, response: Response, question: Question, body: str, by: User, ip_address: str | None = None
) -> Comment:
    """Add a message to the thread on one answer: reviewers ask, the State's people answer."""
    if not permissions.can_comment(by, response):
        raise PermissionDenied(_("You may not comment on this response."))
    if question.questionnaire_id != response.questionnaire_id:
        raise ValidationError(_("This question is not part of this questionnaire."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > 20_000:
        raise ValidationError({"body": _("The message is longer than %(max)s characters.") % {"max": 20_000}})
    _refuse_nul(body, "body")
    with transaction.atomic():
        comment = Comment.objects.create(
            response=response,
            question=question,
            author=by,
            body=body,
            language=translation.get_language() or "",
        )
        audit_record(
            actor=by,
            action="comment.added",
            target=comment,
            country=response.country,
            summary=f"Comment on {question.code}",
            data={"question": question.code},
            ip_address=ip_address,
        )
    return comment


def comment_resolve(*, comment: Comment, by: User, ip_address: str | None = None) -> Comment:
    """Close a thread: the Secretariat decides that the answer is clear now."""
    if not permissions.can_review(by):
        raise PermissionDenied(_("Only the Secretariat closes a comment."))
    with transaction.atomic():
        updated = Comment.objects.filter(
            response_id=comment.response_id, question_id=comment.question_id, resolved_at__isnull=True
        ).update(resolved_at=timezone.now())
        audit_record(
            actor=by,
            action="comment.resolved",
            target=comment,
            country=comment.response.country,
            summary=f"Resolved {updated} comments on {comment.question.code}",
            ip_address=ip_address,
        )
    comment.refresh_from_db()
    return comment


def notify_status(response: Response, *, by: User) -> None:
    """E-mail the State's people (and, on submission, nobody else) in each person's language."""
    people = User.objects.filter(
        country_id=response.country_id, is_active=True, role__in=[Role.FOCAL_POINT, Role.CONTRIBUTOR]
    )
    for person in people:
        with translation.override(person.preferred_language):
            context = {"response": response, "person": person, "by": by}
            subject = render_to_string("surveys/email/status_subject.txt", context).strip()
            body = render_to_string("surveys/email/status_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
