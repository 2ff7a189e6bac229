"""Thin views for the Secretariat's analysis of a cycle (charts, the tables behind them, the States behind
each bar) and for the exports of every State's answers."""

from contextlib import suppress
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.audit import client_address

from . import analysis, charts, exports
from .models import ExportJob, Questionnaire
from .structure import structure_for


class AnalysisFilterForm(forms.Form):
    instrument = forms.ChoiceField(label=gettext_lazy("Instrument"), required=False)
    regional_group = forms.ChoiceField(label=gettext_lazy("Regional group"), required=False)

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [
            ("", _("All instruments")),
            *((i.code, i.short_title) for i in instruments),
        ]
        self.fields["regional_group"].choices = [("", _("All States")), *analysis.regional_groups()]


class ExportForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of the texts"), choices=settings.LANGUAGES)


def _questionnaire_for(request, code) -> Questionnaire:
    if not analysis.can_view_analysis(request.user):
        raise PermissionDenied
    return get_object_or_404(Questionnaire, code=code)


def _instruments(questionnaire: Questionnaire) -> list:
    seen = {}
    for section in structure_for(questionnaire).sections:
        seen.setdefault(section.instrument_id, section.instrument)
    return list(seen.values())


def _states_link(code: str, regional_group: str):
    base = reverse("surveys:analysis_states", kwargs={"code": code})

    def link(provision_code: str, category: str) -> str:
        query = {"provision": provision_code, "answer": category}
        if regional_group:
            query["group"] = regional_group
        return f"{base}?{urlencode(query)}"

    return link


@login_required
def analysis_overview(request, code):
    questionnaire = _questionnaire_for(request, code)
    instruments = _instruments(questionnaire)
    form = AnalysisFilterForm(request.GET or None, instruments=instruments)
    filters = form.cleaned_data if form.is_valid() else {}
    regional_group = filters.get("regional_group", "")
    overview = analysis.compliance_overview(
        questionnaire, instrument=filters.get("instrument") or None, regional_group=regional_group
    )
    link = _states_link(code, regional_group)
    bidi = translation.get_language_bidi()
    who = analysis.group_label(regional_group) if regional_group else _("all States")
    blocks = []
    for block in overview.instruments:
        rows = []
        bars = []
        for row in block.rows:
            provision = row.provision
            cells = [
                {**cell, "url": link(provision.code, cell["key"]) if cell["count"] else ""}
                for cell in row.counts.cells()
            ]
            rows.append({"row": row, "cells": cells})
            bars.append(
                charts.Bar(
                    label=provision.reference,
                    title=f"{provision.reference} ({provision.code})",
                    counts=row.counts,
                    link=lambda category, code=provision.code: link(code, category),
                )
            )
        chart = charts.compliance_chart(
            chart_id=f"chart-{block.instrument.code.lower()}",
            title=_("%(instrument)s: compliance per provision, %(who)s")
            % {"instrument": block.instrument.short_title, "who": who},
            description=_(
                "One bar per provision: of the States expected to answer it, the share that answered "
                "Yes, Yes in part or No, and the share not answered. The table after the chart gives "
                "the same figures."
            ),
            bars=bars,
            bidi=bidi,
        )
        blocks.append({"instrument": block.instrument, "chart": chart, "rows": rows})
    return render(
        request,
        "surveys/analysis.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "blocks": blocks,
            "groups": overview.groups,
            "regional_group": regional_group,
            "who": who,
            "export_form": ExportForm(initial={"language": translation.get_language()}),
            "xlsx_form": ExportForm(initial={"language": translation.get_language()}, auto_id="xlsx_%s"),
        },
    )


@login_required
def analysis_states(request, code):
    questionnaire = _questionnaire_for(request, code)
    provision_code = request.GET.get("provision", "")
    answer = request.GET.get("answer", "")
    regional_group = request.GET.get("group", "")
    if regional_group not in dict(analysis.regional_groups()):
        regional_group = ""
    found = analysis.compliance_question(questionnaire, provision_code)
    if found is None or answer not in analysis.CATEGORIES:
        raise Http404
    question, instrument = found
    states = analysis.states_for(questionnaire, provision_code, answer, regional_group)
    back = reverse("surveys:analysis", kwargs={"code": code})
    if regional_group:
        back = f"{back}?{urlencode({'regional_group': regional_group})}"
    return render(
        request,
        "surveys/analysis_states.html",
        {
            "questionnaire": questionnaire,
            "question": question,
            "provision": question.provision,
            "instrument": instrument,
            "answer_label": analysis.CATEGORY_LABELS[answer],
            "group_label": analysis.group_label(regional_group) if regional_group else _("all States"),
            "states": states,
            "back": back,
        },
    )


def _export_language(request) -> str:
    return request.GET.get("language") or translation.get_language()


@login_required
def responses_export_csv(request, code):
    questionnaire = _questionnaire_for(request, code)
    language = _export_language(request)
    try:
        lines = exports.responses_csv(
            questionnaire, language=language, by=request.user, ip_address=client_address(request)
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    response = StreamingHttpResponse(lines, content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(questionnaire, language, "csv")}"'
    )
    return response


@login_required
@require_POST
def responses_export_xlsx(request, code):
    """Ask for the XLSX export: a job for the task worker (the file takes over half a minute to write),
    then its page. Nothing is written in the request."""
    questionnaire = _questionnaire_for(request, code)
    language = request.POST.get("language") or translation.get_language()
    try:
        job = exports.export_request(questionnaire=questionnaire, language=language, by=request.user)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return redirect(job)


def _export_job_for(request, code, pk) -> ExportJob:
    questionnaire = _questionnaire_for(request, code)
    return get_object_or_404(
        ExportJob.objects.select_related("questionnaire", "requested_by"), pk=pk, questionnaire=questionnaire
    )


@login_required
def export_job_detail(request, code, pk):
    job = _export_job_for(request, code, pk)
    return render(
        request,
        "surveys/export_job.html",
        {
            "job": job,
            "questionnaire": job.questionnaire,
            "status": exports.shown_status(job),
            "status_label": ExportJob.Status(exports.shown_status(job)).label,
            "error": exports.shown_error(job),
        },
    )


@login_required
def export_job_status(request, code, pk):
    job = _export_job_for(request, code, pk)
    status = exports.shown_status(job)
    return JsonResponse(
        {
            "status": status,
            "label": str(ExportJob.Status(status).label),
            "progress": 100 if status == ExportJob.Status.DONE else job.progress,
            "error": exports.shown_error(job),
        }
    )


@login_required
@require_POST
def export_job_retry(request, code, pk):
    job = _export_job_for(request, code, pk)
    # A job that is not failed (any more) is simply shown as it is.
    with suppress(ValidationError):
        job = exports.export_retry(by=request.user, job=job)
    return redirect(job)


@login_required
def export_job_download(request, code, pk):
    job = _export_job_for(request, code, pk)
    if job.status != ExportJob.Status.DONE or not job.file or not job.file.storage.exists(job.file.name):
        raise Http404
    exports.export_downloaded(job=job, by=request.user, ip_address=client_address(request))
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=exports.export_filename(job.questionnaire, job.language, job.file_format),
        content_type=exports.XLSX_CONTENT_TYPE,
    )
