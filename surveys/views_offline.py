"""Thin views for the offline round trip: download the response as a spreadsheet, upload it back, see
what would change, apply."""

import base64

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from portal.audit import client_address

from . import permissions
from .services import offline
from .views_responses import _response_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The forms belong to these pages only.
class OfflineDownloadForm(forms.Form):
    lang = forms.ChoiceField(label=gettext_lazy("Language of the spreadsheet"), choices=settings.LANGUAGES)


class OfflineUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in spreadsheet"),
        help_text=gettext_lazy("The XLSX file downloaded from this page, with your answers."),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.OMNIBUS_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": round(limit / (1024 * 1024), 1)}
            )
        return upload


def _session_key(response) -> str:
    return f"offline_upload_{response.pk}"


def _require_edit(request, response):
    if not permissions.can_edit_response(request.user, response):
        raise PermissionDenied(_("You may not change this response."))


def _upload_page(request, response, form, problems=(), status=200):
    return render(
        request,
        "surveys/offline_upload.html",
        {
            "response": response,
            "form": form,
            "download_form": OfflineDownloadForm(initial={"lang": request.LANGUAGE_CODE}),
            "problems": problems,
        },
        status=status,
    )


def _preview_page(request, response, preview, resolutions=None, status=200):
    rows = [
        {"change": change, "choice": (resolutions or {}).get(change.code, "")} for change in preview.changes
    ]
    return render(
        request,
        "surveys/offline_preview.html",
        {"response": response, "preview": preview, "rows": rows},
        status=status,
    )


def _resolutions(post) -> dict[str, str]:
    prefix = "resolution-"
    return {key[len(prefix) :]: value for key, value in post.items() if key.startswith(prefix)}


@login_required
@require_GET
def offline_download(request, pk):
    """The State's people and the Secretariat download the response as a spreadsheet."""
    response = _response_for(request, pk)
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = request.LANGUAGE_CODE
    try:
        data = offline.response_export(
            response=response, language=language, by=request.user, ip_address=client_address(request)
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect(response)
    download = HttpResponse(data, content_type=XLSX_TYPE)
    filename = f"{response.country.iso2}-{response.questionnaire.code}-{language}.xlsx"
    download["Content-Disposition"] = f'attachment; filename="{filename}"'
    return download


@login_required
def offline_upload(request, pk):
    """GET: the download and upload forms. POST: the uploaded file's preview, or why it was refused."""
    response = _response_for(request, pk)
    _require_edit(request, response)
    if request.method != "POST":
        return _upload_page(request, response, OfflineUploadForm())
    form = OfflineUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, response, form, status=400)
    data = form.cleaned_data["file"].read()
    request.session.pop(_session_key(response), None)
    try:
        preview = offline.response_import_preview(response=response, data=data, by=request.user)
    except offline.OfflineRefused as refused:
        return _upload_page(request, response, OfflineUploadForm(), refused.problems, status=400)
    # Kept until applied, so that applying compares the same file again.
    request.session[_session_key(response)] = base64.b64encode(data).decode("ascii")
    return _preview_page(request, response, preview)


@login_required
@require_POST
def offline_apply(request, pk):
    response = _response_for(request, pk)
    _require_edit(request, response)
    stored = request.session.get(_session_key(response))
    if not stored:
        messages.error(request, _("The uploaded file is no longer available. Upload it again."))
        return redirect("surveys:offline_upload", pk=response.pk)
    resolutions = _resolutions(request.POST)
    try:
        result = offline.response_import_apply(
            response=response,
            data=base64.b64decode(stored),
            by=request.user,
            resolutions=resolutions,
            ip_address=client_address(request),
            fingerprint=request.POST.get("fingerprint") or None,
        )
    except offline.OfflineUnresolved as unresolved:
        messages.warning(request, " ".join(unresolved.messages))
        return _preview_page(request, response, unresolved.preview, resolutions, status=409)
    except offline.OfflineRefused as refused:
        request.session.pop(_session_key(response), None)
        return _upload_page(request, response, OfflineUploadForm(), refused.problems, status=400)
    request.session.pop(_session_key(response), None)
    messages.success(
        request,
        ngettext(
            "The spreadsheet was applied: %(count)s answer changed.",
            "The spreadsheet was applied: %(count)s answers changed.",
            result["saved"],
        )
        % {"count": result["saved"]},
    )
    return redirect(response)
