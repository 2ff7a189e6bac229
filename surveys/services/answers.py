"""Writing answers: saving with conflict detection, history and restore, attachments, submission."""

import hashlib
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assistance.services.needs import needs_sync_after_save
from portal.audit import audit_record
from portal.models import Country, Role, User

from .. import permissions, selectors
from ..models import (
    Answer,
    AnswerRevision,
    AssistanceKind,
    Attachment,
    ChallengeKind,
    Instrument,
    Question,
    Questionnaire,
    Response,
)
from ..values import value_errors

# Types accepted as attachments, recognized from the content: PDF, Word, OpenDocument, images.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/tiff": "TIFF",
}


class AnswerConflict(Exception):
    """The answer changed since the version the person started from; `current` is the newer one."""

    def __init__(self, current: Answer):
        super().__init__(f"answer {current.pk} is at version {current.version}")
        self.current = current


def response_for(*, country: Country, questionnaire: Questionnaire) -> Response:
    """The State's response to a version, created when first needed."""
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise ValidationError(_("Only a published questionnaire can be answered."))
    response, _created = Response.objects.get_or_create(questionnaire=questionnaire, country=country)
    return response


def response_open(*, response: Response, by: User, ip_address: str | None = None) -> Response:
    """A national user opened the response for the first time: it is now in progress."""
    if response.status != Response.Status.NOT_STARTED or not permissions.can_edit_response(by, response):
        return response
    with transaction.atomic():
        updated = Response.objects.filter(pk=response.pk, status=Response.Status.NOT_STARTED).update(
            status=Response.Status.IN_PROGRESS, updated_at=timezone.now()
        )
        if updated:
            audit_record(
                actor=by,
                action="response.started",
                target=response,
                country=response.country,
                summary=f"{response} in progress",
                data={"from": "not_started", "to": "in_progress"},
                ip_address=ip_address,
            )
    response.status = Response.Status.IN_PROGRESS
    return response


def response_opt_in(
    *, response: Response, instrument: Instrument, by: User, include: bool = True
) -> Response:
    if not permissions.can_submit(by, response):
        raise PermissionDenied(_("Only the focal point decides which instruments the State answers for."))
    with transaction.atomic():
        if include:
            response.extra_instruments.add(instrument)
        else:
            response.extra_instruments.remove(instrument)
        audit_record(
            actor=by,
            action="response.scope_changed",
            target=response,
            country=response.country,
            summary=f"{'Added' if include else 'Removed'} {instrument.code} to the instruments answered",
        )
    return response


def _code_lists():
    return (
        list(AssistanceKind.objects.values_list("code", flat=True)),
        list(ChallengeKind.objects.values_list("code", flat=True)),
    )


def answer_save(
    *,
    response: Response,
    question: Question,
    value,
    base_version: int,
    by: User,
    language: str = "",
    source: str = AnswerRevision.Source.FORM,
    ip_address: str | None = None,
    code_lists: tuple[list[str], list[str]] | None = None,
    response_locked: bool = False,
) -> Answer:
    """Save one answer if it is based on the current version; otherwise raise `AnswerConflict`.

    `base_version` is the version the person's page showed (0 when there was no answer yet). Saving
    the value already stored changes nothing and is never a conflict. The response row is locked for
    the save, so that a submission cannot slip in between the check and the write; a caller that
    already holds that lock (and a fresh `response`) says so with `response_locked`.
    """
    if question.questionnaire_id != response.questionnaire_id:
        raise ValidationError(_("This question is not part of this questionnaire."))
    if question.kind == Question.Kind.ASSISTANCE:
        assistance_kinds, challenge_kinds = code_lists or _code_lists()
        errors = value_errors(
            question, value, assistance_kinds=assistance_kinds, challenge_kinds=challenge_kinds
        )
    else:
        errors = value_errors(question, value)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    conflict = refused = None
    with transaction.atomic(savepoint=False):
        # Nothing is raised inside this block: with savepoint=False an exception would spoil an
        # enclosing transaction; the outcome is raised once the block is left.
        if not response_locked:
            response.status = (
                Response.objects.select_for_update()
                .filter(pk=response.pk)
                .values_list("status", flat=True)
                .first()
            )
        current = None
        if not permissions.can_edit_response(by, response):
            refused = True
        else:
            current = Answer.objects.select_for_update().filter(response=response, question=question).first()
        if refused:
            answer = None
        elif current is None:
            answer = Answer.objects.create(
                response=response,
                question=question,
                value=value,
                language=language,
                version=1,
                updated_at=now,
                updated_by=by,
            )
        elif current.value == value:
            return current
        elif current.version != base_version:
            conflict, answer = current, None
        else:
            current.value = value
            current.language = language
            current.version += 1
            current.updated_at = now
            current.updated_by = by
            current.save(update_fields=["value", "language", "version", "updated_at", "updated_by"])
            answer = current
        if answer is not None:
            AnswerRevision.objects.create(
                answer=answer,
                version=answer.version,
                value=value,
                language=language,
                source=source,
                changed_at=now,
                changed_by=by,
                ip_address=ip_address,
            )
            needs_sync_after_save(response=response, question=question, by=by)
    if refused:
        raise PermissionDenied(_("You may not change this response."))
    if conflict is not None:
        raise AnswerConflict(conflict)
    return answer


@dataclass
class Submission:
    """One question's answer as posted from a page: the value, the version it was based on, a file."""

    question: Question
    value: object
    base_version: int
    language: str = ""
    upload: object = None


@dataclass
class SectionOutcome:
    saved: int = 0
    conflicts: dict = field(default_factory=dict)  # question id -> the newer Answer
    errors: dict = field(default_factory=dict)  # question id -> ValidationError


def section_save(
    *, response: Response, submissions: list[Submission], by: User, ip_address=None, code_lists=None
) -> SectionOutcome:
    """Save the changed answers of a whole section page (the page's Save button, without JavaScript).

    Each answer is saved on its own: one conflict or invalid value does not stop the others, and the
    outcome says which questions need the person's attention.
    """
    outcome = SectionOutcome()
    for submission in submissions:
        question = submission.question
        try:
            # The file and the answer it belongs to are saved together or not at all: a conflict or an
            # invalid value leaves no file behind.
            with transaction.atomic():
                if submission.upload:
                    attachment_add(
                        response=response,
                        question=question,
                        upload=submission.upload,
                        by=by,
                        ip_address=ip_address,
                    )
                if question.kind != Question.Kind.FILE:
                    answer_save(
                        response=response,
                        question=question,
                        value=submission.value,
                        base_version=submission.base_version,
                        by=by,
                        language=submission.language,
                        ip_address=ip_address,
                        code_lists=code_lists,
                    )
            outcome.saved += 1
        except AnswerConflict as conflict:
            outcome.conflicts[question.pk] = conflict.current
        except ValidationError as error:
            outcome.errors[question.pk] = error
    return outcome


def answer_restore(*, answer: Answer, version: int, by: User, ip_address: str | None = None) -> Answer:
    """Bring back an earlier value from the answer's history, as a new version."""
    if not permissions.can_restore(by, answer.response):
        raise PermissionDenied(_("Only the focal point restores earlier answers."))
    revision = answer.revisions.filter(version=version).first()
    if revision is None:
        raise ValidationError(_("This version does not exist."))
    saved = answer_save(
        response=answer.response,
        question=answer.question,
        value=revision.value,
        base_version=answer.version,
        by=by,
        language=revision.language,
        source=AnswerRevision.Source.RESTORE,
        ip_address=ip_address,
    )
    audit_record(
        actor=by,
        action="answer.restored",
        target=saved,
        country=answer.response.country,
        summary=f"Restored version {version} of {answer.question.code}",
        ip_address=ip_address,
    )
    return saved


def attachment_add(
    *, response: Response, question: Question, upload, by: User, ip_address: str | None = None
) -> Attachment:
    """Attach a file to an answer after checking its size and its real type (from the content)."""
    if not permissions.can_edit_response(by, response):
        raise PermissionDenied(_("You may not change this response."))
    if question.kind not in (Question.Kind.FILE, Question.Kind.LEGISLATION):
        raise ValidationError(_("Files cannot be attached to this question."))
    limit = settings.OMNIBUS_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": round(limit / (1024 * 1024), 1)}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime == "application/zip":
        mime = _office_type(upload)
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("This file is not a PDF, Word, OpenDocument or image file, whatever its name says.")
        )
    content = upload.read()
    digest = hashlib.sha256(content).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        answer, created = Answer.objects.select_for_update().get_or_create(
            response=response,
            question=question,
            defaults={
                "value": [] if question.kind == Question.Kind.FILE else None,
                "updated_at": now,
                "updated_by": by,
            },
        )
        attachment = Attachment(
            answer=answer,
            original_name=upload.name[:255],
            content_type=mime,
            size=len(content),
            sha256=digest,
            uploaded_at=now,
            uploaded_by=by,
        )
        attachment.file.save(digest, ContentFile(content), save=False)
        attachment.save()
        if question.kind == Question.Kind.FILE:
            # The answer's value lists its files, so the history shows when each came and went.
            names = [*(answer.value or []), {"id": attachment.pk, "name": attachment.original_name}]
            _record_file_list(
                answer=answer, files=names, by=by, now=now, ip_address=ip_address, bump=not created
            )
        audit_record(
            actor=by,
            action="attachment.added",
            target=attachment,
            country=response.country,
            summary=f"Attached {attachment.original_name} to {question.code}",
            data={"size": attachment.size, "type": mime, "sha256": digest},
            ip_address=ip_address,
        )
    return attachment


def _record_file_list(*, answer: Answer, files, by, now, ip_address, bump: bool = True):
    answer.value = files
    if bump:
        answer.version += 1
    answer.updated_at, answer.updated_by = now, by
    answer.save(update_fields=["value", "version", "updated_at", "updated_by"])
    AnswerRevision.objects.create(
        answer=answer,
        version=answer.version,
        value=files,
        source=AnswerRevision.Source.FORM,
        changed_at=now,
        changed_by=by,
        ip_address=ip_address,
    )


def _office_type(upload):
    """A ZIP container: tell the Office Open XML and OpenDocument formats apart by their members."""
    import zipfile

    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared.startswith("application/vnd.oasis.opendocument") else None
            if "word/document.xml" in names:
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    except (zipfile.BadZipFile, OSError, UnicodeError):
        return None
    finally:
        upload.seek(0)
    return None


def attachment_remove(*, attachment: Attachment, by: User, ip_address: str | None = None) -> Attachment:
    response = attachment.answer.response
    if not permissions.can_edit_response(by, response):
        raise PermissionDenied(_("You may not change this response."))
    now = timezone.now()
    with transaction.atomic():
        attachment.removed_at = now
        attachment.save(update_fields=["removed_at"])
        answer = attachment.answer
        if answer.question.kind == Question.Kind.FILE:
            files = [f for f in (answer.value or []) if f.get("id") != attachment.pk]
            _record_file_list(answer=answer, files=files, by=by, now=now, ip_address=ip_address)
        audit_record(
            actor=by,
            action="attachment.removed",
            target=attachment,
            country=response.country,
            summary=f"Removed {attachment.original_name} from {answer.question.code}",
            ip_address=ip_address,
        )
    return attachment


def response_submit(*, response: Response, by: User, structure, ip_address: str | None = None) -> Response:
    """Submit (or resubmit) a complete response. Only the focal point; the response is then locked."""
    if not permissions.is_focal_point_of(by, response):
        raise PermissionDenied(_("Only the State's focal point submits the response."))
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.status not in Response.EDITABLE_STATUSES:
            raise ValidationError(_("This response has already been submitted."))
        values = dict(Answer.objects.filter(response=locked).values_list("question_id", "value"))
        missing = selectors.missing_questions(
            structure=structure, values=values, scope=selectors.response_scope(locked, structure)
        )
        if missing:
            raise ValidationError(
                _("%(count)s required questions are not answered yet.") % {"count": len(missing)}
            )
        previous = locked.status
        locked.status = (
            Response.Status.RESUBMITTED if previous == Response.Status.RETURNED else Response.Status.SUBMITTED
        )
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        audit_record(
            actor=by,
            action="response.submitted",
            target=locked,
            country=locked.country,
            summary=f"{locked} {locked.status}",
            data={"from": previous, "to": locked.status},
            ip_address=ip_address,
        )
        transaction.on_commit(lambda: _send_submission_email(locked))
    return locked


def _send_submission_email(response: Response) -> None:
    """The State's people get a confirmation; the Secretariat's reviewers learn there is work to do."""
    recipients = User.objects.filter(
        Q(country=response.country, role__in=[Role.FOCAL_POINT, Role.CONTRIBUTOR]) | Q(role=Role.REVIEWER),
        is_active=True,
    )
    for person in recipients:
        with translation.override(person.preferred_language):
            context = {"response": response, "person": person}
            subject = render_to_string("surveys/email/submitted_subject.txt", context).strip()
            body = render_to_string("surveys/email/submitted_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
