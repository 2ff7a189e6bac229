"""Thin views for filling in a State's response: overview, section pages, automatic saves, history,
attachments and submission."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import client_address
from portal.models import Role

from . import permissions, selectors
from .answer_forms import AnswerForm
from .models import (
    AnswerRevision,
    AssistanceKind,
    Attachment,
    ChallengeKind,
    Instrument,
    Questionnaire,
    Response,
)
from .services import answers as answer_services
from .structure import structure_for

FILTERS = ("unanswered", "required", "comments")


def _response_for(request, pk) -> Response:
    """The response, if the user may see it; 404 otherwise (never reveal another State's data)."""
    response = get_object_or_404(selectors.responses_visible_to(request.user), pk=pk)
    if not permissions.can_view_response(request.user, response):
        raise Http404
    return response


def _code_lists():
    return (
        [(k.code, k.label) for k in AssistanceKind.objects.filter(is_active=True)],
        [(k.code, k.label) for k in ChallengeKind.objects.filter(is_active=True)],
    )


@login_required
def response_list(request):
    """A national user's way in: the published questionnaires and their State's response to each."""
    user = request.user
    if user.role in (Role.FOCAL_POINT, Role.CONTRIBUTOR):
        if request.method == "POST":
            code = request.POST.get("questionnaire", "")
            if "\x00" in code:  # no code holds one, and the database refuses to even look it up
                raise Http404
            questionnaire = get_object_or_404(Questionnaire, code=code)
            try:
                response = answer_services.response_for(country=user.country, questionnaire=questionnaire)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("surveys:response_list")
            return redirect(response)
    elif user.role not in (Role.REVIEWER, Role.ADMINISTRATOR):
        raise PermissionDenied
    responses = (
        {r.questionnaire_id: r for r in selectors.responses_visible_to(user)} if user.country_id else {}
    )
    published = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
    return render(
        request,
        "surveys/response_list.html",
        {
            "published": [(q, responses.get(q.pk)) for q in published],
            "all_responses": selectors.responses_visible_to(user) if user.is_secretariat else None,
        },
    )


@login_required
def response_detail(request, pk):
    response = _response_for(request, pk)
    answer_services.response_open(response=response, by=request.user, ip_address=client_address(request))
    state = selectors.response_state(response)
    party = {p.treaty for p in response.country.participations.all() if p.status == "party"}
    instruments = [
        {"instrument": i, "party": i.code in party, "in_scope": i.pk in state.scope}
        for i in Instrument.objects.filter(sections__questionnaire=response.questionnaire).distinct()
    ]
    return render(
        request,
        "surveys/response_detail.html",
        {
            "response": response,
            "state": state,
            "instruments": instruments,
            "can_edit": permissions.can_edit_response(request.user, response),
            "can_submit": permissions.can_submit(request.user, response),
            "can_review": permissions.can_review(request.user),
            "open_comments": sum(state.open_comments.values()),
        },
    )


def _section_forms(request, response, state, section, code_lists, data=None, files=None):
    questions = state.structure.by_section.get(section.pk, [])
    forms = []
    for question in questions:
        forms.append(
            AnswerForm(
                data,
                files,
                question=question,
                answer=state.answers.get(question.pk),
                code_lists=code_lists,
                language=request.LANGUAGE_CODE,
            )
        )
    return forms


@login_required
def section_form(request, pk, section_code):
    response = _response_for(request, pk)
    structure = structure_for(response.questionnaire)
    section = next((s for s in structure.sections if s.code == section_code), None)
    if section is None:
        raise Http404
    state = selectors.response_state(response, section=section)
    if section.instrument_id not in state.scope:
        raise Http404
    can_edit = permissions.can_edit_response(request.user, response)
    code_lists = _code_lists()
    conflicts = {}
    errors_found = False
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("This response can no longer be changed."))
        forms = _section_forms(request, response, state, section, code_lists, request.POST, request.FILES)
        posted = [f for f in forms if f.add_prefix("base_version") in request.POST]
        # Questions not on the page that was posted (a filtered view shows only some) are left alone.
        errors_found = not all(f.is_valid() for f in posted)
        submissions = [
            answer_services.Submission(
                question=f.question,
                value=f.to_value(),
                base_version=f.cleaned_data["base_version"] or 0,
                language=f.language or request.LANGUAGE_CODE,
                upload=f.cleaned_data.get("upload"),
            )
            for f in posted
            if f.is_valid() and f.is_changed()
        ]
        outcome = answer_services.section_save(
            response=response,
            submissions=submissions,
            by=request.user,
            ip_address=client_address(request),
            code_lists=([c for c, _label in code_lists[0]], [c for c, _label in code_lists[1]]),
        )
        saved, conflicts = outcome.saved, outcome.conflicts
        for form in posted:
            if form.question.pk in conflicts:
                # Saving the page again now means "keep mine": it is based on their version.
                form.data = form.data.copy()
                form.data[form.add_prefix("base_version")] = str(conflicts[form.question.pk].version)
            if form.question.pk in outcome.errors:
                form.add_error(None, outcome.errors[form.question.pk])
                errors_found = True
        if not conflicts and not errors_found:
            if saved:
                messages.success(request, _("Your answers are saved."))
            target = request.POST.get("next_section") or section.code
            return redirect("surveys:section_form", pk=response.pk, section_code=target)
        # Keep everything typed; show what went wrong beside each question.
        state = selectors.response_state(response, section=section)
        if errors_found:
            messages.error(request, _("Some answers could not be saved. Correct the ones marked below."))
        if conflicts:
            messages.warning(
                request,
                _("Someone changed some of these answers while you were editing. Compare and choose below."),
            )
    else:
        forms = _section_forms(request, response, state, section, code_lists)
    only = request.GET.get("show", "")
    questions = [f.question for f in forms]
    offers = selectors.reuse_offers(state, questions) if can_edit else {}
    attachments = selectors.section_attachments(response, [q.pk for q in questions])
    threads = selectors.comments_for(response, [q.pk for q in questions])
    items = []
    for form in forms:
        question = form.question
        answered = question.pk in state.values and selectors.is_answered(
            question.kind, state.values[question.pk]
        )
        if only == "unanswered" and answered:
            continue
        if only == "required" and not question.required:
            continue
        if only == "comments" and not state.open_comments.get(question.pk):
            continue
        conditions = state.structure.conditions.get(question.pk, [])
        items.append(
            {
                "form": form,
                "question": question,
                "visible": question.pk in state.visible,
                "answer": state.answers.get(question.pk),
                "conflict": conflicts.get(question.pk),
                "offers": offers.get(question.pk, []),
                "attachments": attachments.get(question.pk, []),
                "open_comments": state.open_comments.get(question.pk, 0),
                "comments": threads.get(question.pk, []),
                "show_if": json.dumps(
                    [
                        {"code": state.structure.by_id[source].code, "values": values}
                        for source, values in conditions
                    ]
                ),
            }
        )
    in_scope = [p for p in state.progress if p.in_scope]
    index = next(i for i, p in enumerate(in_scope) if p.section.pk == section.pk)
    return render(
        request,
        "surveys/section_form.html",
        {
            "response": response,
            "state": state,
            "section": section,
            "items": items,
            "can_edit": can_edit,
            "only": only,
            "filters": FILTERS,
            "can_comment": permissions.can_comment(request.user, response),
            "can_review": permissions.can_review(request.user),
            "previous_section": in_scope[index - 1].section if index > 0 else None,
            "next_section": in_scope[index + 1].section if index + 1 < len(in_scope) else None,
            "progress": in_scope,
        },
        status=409 if conflicts else (400 if errors_found else 200),
    )


@login_required
@require_POST
def answer_autosave(request, pk, question_code):
    """Save one question from the page's JavaScript. Answers JSON: saved, conflict (409) or errors (400).

    The response row is read with a lock in the same query that checks who may see it, so the whole
    save costs a fixed handful of queries; nothing is raised inside the transaction block (see
    `answer_save`), the outcome is turned into a reply after it.
    """
    outcome = {}
    with transaction.atomic(savepoint=False):
        response = (
            selectors.responses_visible_to(request.user).select_for_update(of=("self",)).filter(pk=pk).first()
        )
        question = None
        if response is not None and permissions.can_view_response(request.user, response):
            question = structure_for(response.questionnaire).by_code.get(question_code)
        if question is None:
            outcome["status"] = 404
        elif not permissions.can_edit_response(request.user, response):
            outcome["status"] = 403
        else:
            code_lists = _code_lists() if question.kind == question.Kind.ASSISTANCE else None
            form = AnswerForm(request.POST, question=question, code_lists=code_lists)
            if not form.is_valid():
                outcome.update(status=400, errors=form.errors.get_json_data())
            else:
                try:
                    outcome["answer"] = answer_services.answer_save(
                        response=response,
                        question=question,
                        value=form.to_value(),
                        base_version=form.cleaned_data["base_version"] or 0,
                        by=request.user,
                        language=form.language or request.LANGUAGE_CODE,
                        source=AnswerRevision.Source.AUTOSAVE,
                        ip_address=client_address(request),
                        response_locked=True,
                        code_lists=(
                            [c for c, _l in form.assistance_kinds],
                            [c for c, _l in form.challenge_kinds],
                        ),
                    )
                    outcome["status"] = 200
                except answer_services.AnswerConflict as conflict:
                    outcome.update(status=409, current=conflict.current)
                except ValidationError as error:
                    outcome.update(status=400, errors={"__all__": [{"message": m} for m in error.messages]})
    status = outcome["status"]
    if status == 404:
        raise Http404
    if status == 403:
        return JsonResponse(
            {"status": "forbidden", "message": _("This response can no longer be changed.")}, status=403
        )
    if status == 400:
        return JsonResponse({"status": "invalid", "errors": outcome["errors"]}, status=400)
    if status == 409:
        current = outcome["current"]
        return JsonResponse(
            {
                "status": "conflict",
                "version": current.version,
                "by": str(current.updated_by) if current.updated_by_id else "",
                "at": current.updated_at.isoformat(),
                "theirs": render_to_string(
                    "surveys/_answer_value.html", {"question": question, "value": current.value}
                ),
            },
            status=409,
        )
    answer = outcome["answer"]
    return JsonResponse({"status": "saved", "version": answer.version, "at": answer.updated_at.isoformat()})


@login_required
def answer_history(request, pk, question_code):
    response = _response_for(request, pk)
    structure = structure_for(response.questionnaire)
    question = structure.by_code.get(question_code)
    if question is None:
        raise Http404
    answer = response.answers.filter(question=question).first()
    revisions = answer.revisions.select_related("changed_by") if answer else []
    return render(
        request,
        "surveys/answer_history.html",
        {
            "response": response,
            "question": question,
            "answer": answer,
            "revisions": revisions,
            "can_restore": permissions.can_restore(request.user, response),
        },
    )


@login_required
@require_POST
def answer_restore(request, pk, question_code):
    response = _response_for(request, pk)
    if "\x00" in question_code:  # no code holds one, and the database refuses to even look it up
        raise Http404
    answer = get_object_or_404(response.answers.select_related("question"), question__code=question_code)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError as exc:
        raise Http404 from exc
    try:
        answer_services.answer_restore(
            answer=answer, version=version, by=request.user, ip_address=client_address(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(version)s is restored.") % {"version": version})
    return redirect("surveys:answer_history", pk=response.pk, question_code=question_code)


@login_required
@require_POST
def answer_reuse(request, pk, question_code):
    """Copy an answer given elsewhere (a cross-referenced provision, or the earlier version) into this one."""
    response = _response_for(request, pk)
    question = structure_for(response.questionnaire).by_code.get(question_code)
    if question is None:
        raise Http404
    state = selectors.response_state(response, section=question.section)
    offers = selectors.reuse_offers(state, [question]).get(question.pk, [])
    index = request.POST.get("offer", "")
    if not index.isdigit() or int(index) >= len(offers):
        raise Http404
    offer = offers[int(index)]
    answer = state.answers.get(question.pk)
    try:
        answer_services.answer_save(
            response=response,
            question=question,
            value=offer["value"],
            base_version=answer.version if answer else 0,
            by=request.user,
            language=request.LANGUAGE_CODE,
            source=AnswerRevision.Source.REUSE,
            ip_address=client_address(request),
        )
    except (ValidationError, answer_services.AnswerConflict):
        messages.error(request, _("The answer could not be reused; it changed meanwhile. Try again."))
    else:
        messages.success(request, _("The answer was copied. Check it and adapt it if needed."))
    return redirect(
        reverse("surveys:section_form", kwargs={"pk": response.pk, "section_code": question.section.code})
        + f"#q-{question.code}"
    )


@login_required
def attachment_download(request, pk, attachment_id):
    response = _response_for(request, pk)
    attachment = get_object_or_404(
        Attachment, pk=attachment_id, answer__response=response, removed_at__isnull=True
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def attachment_remove(request, pk, attachment_id):
    response = _response_for(request, pk)
    attachment = get_object_or_404(
        Attachment.objects.select_related("answer__question"),
        pk=attachment_id,
        answer__response=response,
        removed_at__isnull=True,
    )
    answer_services.attachment_remove(
        attachment=attachment, by=request.user, ip_address=client_address(request)
    )
    messages.success(request, _("The file %(name)s was removed.") % {"name": attachment.original_name})
    return redirect(
        reverse(
            "surveys:section_form",
            kwargs={"pk": response.pk, "section_code": attachment.answer.question.section.code},
        )
    )


@login_required
@require_POST
def response_scope(request, pk):
    response = _response_for(request, pk)
    code = request.POST.get("instrument", "")
    if "\x00" in code:  # no code holds one, and the database refuses to even look it up
        raise Http404
    instrument = get_object_or_404(Instrument, code=code)
    try:
        answer_services.response_opt_in(
            response=response,
            instrument=instrument,
            by=request.user,
            include=request.POST.get("include") == "1",
        )
    except PermissionDenied:
        raise
    return redirect(response)


@login_required
def response_submit(request, pk):
    response = _response_for(request, pk)
    if not permissions.can_submit(request.user, response):
        raise PermissionDenied(_("Only the State's focal point submits the response."))
    state = selectors.response_state(response)
    if request.method == "POST":
        try:
            answer_services.response_submit(
                response=response,
                by=request.user,
                structure=state.structure,
                ip_address=client_address(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("surveys:response_submitted", pk=response.pk)
    return render(request, "surveys/response_submit.html", {"response": response, "state": state})


@login_required
def response_submitted(request, pk):
    response = _response_for(request, pk)
    return render(request, "surveys/response_submitted.html", {"response": response})
