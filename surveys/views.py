"""Thin views for reading and authoring questionnaires."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import audit_record, client_address

from . import permissions, selectors
from .forms import CopyForm, DeadlineForm, ImportForm, ReadingFilterForm
from .models import Instrument, Questionnaire
from .services import authoring, spreadsheet


def _questionnaire_for(request, code) -> Questionnaire:
    questionnaire = get_object_or_404(Questionnaire, code=code)
    if not permissions.can_read(request.user, questionnaire):
        raise Http404
    return questionnaire


def _require_author(request):
    if not permissions.can_author(request.user):
        raise PermissionDenied


@login_required
def questionnaire_list(request):
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "questionnaires": selectors.questionnaires_visible_to(request.user),
            "can_author": permissions.can_author(request.user),
            "copy_form": CopyForm(),
        },
    )


@login_required
def questionnaire_detail(request, code):
    questionnaire = _questionnaire_for(request, code)
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "instruments": selectors.questionnaire_instruments(questionnaire),
            "can_author": permissions.can_author(request.user),
            "copy_form": CopyForm(),
            "deadline_form": DeadlineForm(initial={"deadline": questionnaire.deadline}),
        },
    )


@login_required
def instrument_read(request, code, instrument):
    questionnaire = _questionnaire_for(request, code)
    if "\x00" in instrument:  # no code holds one, and the database refuses to even look it up
        raise Http404
    instrument = get_object_or_404(Instrument, code=instrument.upper())
    form = ReadingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sections = selectors.instrument_reading(
        questionnaire=questionnaire,
        instrument=instrument,
        obligation=filters.get("obligation", ""),
        theme=filters.get("theme", ""),
    )
    return render(
        request,
        "surveys/instrument_read.html",
        {"questionnaire": questionnaire, "instrument": instrument, "sections": sections, "form": form},
    )


@login_required
def questionnaire_export(request, code):
    _require_author(request)
    questionnaire = get_object_or_404(Questionnaire, code=code)
    content = spreadsheet.questionnaire_export(questionnaire)
    audit_record(
        actor=request.user,
        action="questionnaire.exported",
        target=questionnaire,
        summary=f"Exported questionnaire {code} to a spreadsheet",
        ip_address=client_address(request),
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.code}.xlsx"'
    return response


@login_required
def questionnaire_import(request):
    _require_author(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = spreadsheet.questionnaire_import(
                data=form.cleaned_data["file"].read(),
                by=request.user,
                replace_draft=form.cleaned_data["replace_draft"],
            )
        except spreadsheet.ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(request, _("The draft %(code)s was imported.") % {"code": questionnaire.code})
            return redirect(questionnaire)
    return render(request, "surveys/questionnaire_import.html", {"form": form, "problems": problems})


@login_required
@require_POST
def questionnaire_copy(request, code):
    _require_author(request)
    source = get_object_or_404(Questionnaire, code=code)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            draft = authoring.questionnaire_copy(
                by=request.user, source=source, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The draft %(code)s was created.") % {"code": draft.code})
            return redirect(draft)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(source)


@login_required
@require_POST
def questionnaire_publish(request, code):
    _require_author(request)
    questionnaire = get_object_or_404(Questionnaire, code=code)
    try:
        authoring.questionnaire_publish(by=request.user, questionnaire=questionnaire)
    except ValidationError as error:
        for message in error.messages[:20]:
            messages.error(request, message)
    else:
        messages.success(request, _("The questionnaire %(code)s is published.") % {"code": code})
    return redirect(questionnaire)


@login_required
@require_POST
def questionnaire_deadline(request, code):
    _require_author(request)
    questionnaire = get_object_or_404(Questionnaire, code=code)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            authoring.questionnaire_set_deadline(
                by=request.user, questionnaire=questionnaire, deadline=form.cleaned_data["deadline"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The deadline is saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(questionnaire)
