"""Thin views: Conference sessions, asking for a report, following its progress, downloading it."""

from contextlib import suppress

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .forms import ReportRequestForm
from .models import ConferenceSession, ReportJob


def _session_for(request, number) -> ConferenceSession:
    if not permissions.can_use_reports(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.sessions_visible_to(request.user), number=number)


def _job_for(request, pk) -> ReportJob:
    if not permissions.can_use_reports(request.user):
        raise PermissionDenied
    job = ReportJob.objects.select_related("session", "country").filter(pk=pk).first()
    # Another State's report does not exist for this person.
    if job is None or not permissions.can_read(request.user, job):
        raise Http404
    return job


@login_required
def session_list(request):
    if not permissions.can_use_reports(request.user):
        raise PermissionDenied
    return render(
        request,
        "reports/session_list.html",
        {
            "sessions": selectors.sessions_visible_to(request.user),
            "can_manage": permissions.can_manage_sessions(request.user),
        },
    )


@login_required
def session_detail(request, number):
    session = _session_for(request, number)
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.report_request(
                by=request.user,
                session=session,
                kind=data["kind"],
                language=data["language"],
                country=data.get("country"),
                audience=data.get("audience") or "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(job)
    jobs = selectors.latest_jobs(request.user, session)
    return render(
        request,
        "reports/session_detail.html",
        {
            "session": session,
            "form": form,
            "jobs": [(job, selectors.shown_status(job)) for job in jobs],
            "can_manage": permissions.can_manage_sessions(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def job_detail(request, pk):
    job = _job_for(request, pk)
    return render(request, "reports/job_detail.html", {"job": job, "status": selectors.shown_status(job)})


@login_required
def job_status(request, pk):
    job = _job_for(request, pk)
    status = selectors.shown_status(job)
    return JsonResponse(
        {
            "status": status,
            "label": str(ReportJob.Status(status).label),
            "progress": 100 if status == ReportJob.Status.DONE else job.progress,
            "error": job.error or ("" if status == job.status else str(selectors.STALE_MESSAGE)),
        }
    )


@login_required
@require_POST
def job_retry(request, pk):
    job = _job_for(request, pk)
    # A job that is not failed (any more) is simply shown as it is.
    with suppress(ValidationError):
        job = services.report_retry(by=request.user, job=job)
    return redirect(job)


@login_required
def job_download(request, pk):
    job = _job_for(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1].split("-", 1)[-1],
        content_type="application/pdf",
    )
