"""Thin views for the Secretariat's review: the queue, transitions, comments, comparison, audit trail."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import audit_record, client_address
from portal.models import AuditEvent, RegionalGroup

from . import permissions, selectors
from .forms import AuditFilterForm, QueueFilterForm
from .models import AnswerRevision, Comment, Questionnaire, Response
from .services import review
from .services.offline import guard
from .structure import structure_for
from .views_responses import _response_for

SORTS = {
    "state": lambda row: str(row.country.name),
    "group": lambda row: (str(row.country.get_regional_group_display()), str(row.country.name)),
    "status": lambda row: (row.status, str(row.country.name)),
    "progress": lambda row: (row.percent, str(row.country.name)),
    "activity": lambda row: (row.last_activity is None, row.last_activity or 0),
    "days": lambda row: (row.days_since_submission is None, -(row.days_since_submission or 0)),
}


def _require_review(request):
    if not permissions.can_review(request.user):
        raise PermissionDenied


@login_required
def review_queue(request, code):
    _require_review(request)
    questionnaire = get_object_or_404(
        Questionnaire.objects.exclude(status=Questionnaire.Status.DRAFT), code=code
    )
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.review_queue(questionnaire)
    counts = dict.fromkeys(Response.Status.values, 0)
    for row in rows:
        counts[row.status] += 1
    if filters.get("status"):
        rows = [r for r in rows if r.status == filters["status"]]
    if filters.get("regional_group"):
        rows = [r for r in rows if r.country.regional_group == filters["regional_group"]]
    if filters.get("overdue"):
        rows = [r for r in rows if r.overdue]
    sort = filters.get("sort") or "state"
    rows.sort(key=SORTS.get(sort.lstrip("-"), SORTS["state"]), reverse=sort.startswith("-"))
    return render(
        request,
        "surveys/review_queue.html",
        {
            "questionnaire": questionnaire,
            "rows": rows,
            "form": form,
            "counts": [(Response.Status(s), counts[s]) for s in Response.Status.values],
            "groups": RegionalGroup.choices,
        },
    )


@login_required
@require_POST
def response_transition(request, pk):
    response = _response_for(request, pk)
    action = request.POST.get("action", "")
    ip = client_address(request)
    try:
        if action == "start_review":
            review.response_start_review(response=response, by=request.user, ip_address=ip)
        elif action == "return":
            review.response_return(
                response=response, by=request.user, summary=request.POST.get("summary", ""), ip_address=ip
            )
        elif action == "accept":
            review.response_accept(response=response, by=request.user, ip_address=ip)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        response.refresh_from_db()
        messages.success(
            request, _("The response is now: %(status)s.") % {"status": response.get_status_display()}
        )
    return redirect(response)


@login_required
@require_POST
def comment_add(request, pk, question_code):
    response = _response_for(request, pk)
    question = structure_for(response.questionnaire).by_code.get(question_code)
    if question is None:
        raise Http404
    try:
        review.comment_add(
            response=response,
            question=question,
            body=request.POST.get("body", ""),
            by=request.user,
            ip_address=client_address(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your comment is added."))
    return redirect(
        reverse("surveys:section_form", kwargs={"pk": response.pk, "section_code": question.section.code})
        + f"#q-{question.code}"
    )


@login_required
@require_POST
def comment_resolve(request, pk, comment_id):
    response = _response_for(request, pk)
    comment = get_object_or_404(
        Comment.objects.select_related("question", "response__country"), pk=comment_id, response=response
    )
    review.comment_resolve(comment=comment, by=request.user, ip_address=client_address(request))
    messages.success(request, _("The comments on %(code)s are resolved.") % {"code": comment.question.code})
    return redirect(
        reverse(
            "surveys:section_form", kwargs={"pk": response.pk, "section_code": comment.question.section.code}
        )
        + f"#q-{comment.question.code}"
    )


@login_required
def response_compare(request, pk):
    """The State's answers side by side with its accepted response to the previous version."""
    response = _response_for(request, pk)
    previous_questionnaire = response.questionnaire.previous
    previous = (
        Response.objects.filter(
            questionnaire=previous_questionnaire, country=response.country, status=Response.Status.ACCEPTED
        ).first()
        if previous_questionnaire
        else None
    )
    structure = structure_for(response.questionnaire)
    current_values = dict(response.answers.values_list("question_id", "value"))
    previous_values = dict(previous.answers.values_list("question_id", "value")) if previous else {}
    rows = []
    for question in structure.questions:
        now = current_values.get(question.pk)
        before = previous_values.get(question.continues_id) if question.continues_id else None
        if now is None and before is None:
            continue
        rows.append({"question": question, "now": now, "before": before, "changed": now != before})
    return render(
        request,
        "surveys/response_compare.html",
        {
            "response": response,
            "previous": previous,
            "rows": rows,
            "changed": sum(r["changed"] for r in rows),
        },
    )


def _audit_rows(filters):
    events = AuditEvent.objects.select_related("country").order_by("-created_at")
    revisions = AnswerRevision.objects.select_related(
        "answer__question", "answer__response__country", "changed_by"
    ).order_by("-changed_at")
    if filters.get("country"):
        events = events.filter(country=filters["country"])
        revisions = revisions.filter(answer__response__country=filters["country"])
    if filters.get("actor"):
        events = events.filter(actor_email__icontains=filters["actor"])
        revisions = revisions.filter(changed_by__email__icontains=filters["actor"])
    if filters.get("since"):
        events = events.filter(created_at__date__gte=filters["since"])
        revisions = revisions.filter(changed_at__date__gte=filters["since"])
    if filters.get("until"):
        events = events.filter(created_at__date__lte=filters["until"])
        revisions = revisions.filter(changed_at__date__lte=filters["until"])
    kind = filters.get("kind") or ""
    if kind == "answers":
        events = events.none()
    elif kind:
        events = events.filter(action__startswith=kind)
        revisions = revisions.none()
    return events, revisions


def _merge(events, revisions, limit):
    rows = [
        {
            "at": e.created_at,
            "who": e.actor_email,
            "action": e.action,
            "country": e.country,
            "summary": e.summary,
            "ip": e.ip_address,
        }
        for e in events[:limit]
    ] + [
        {
            "at": r.changed_at,
            "who": r.changed_by.email if r.changed_by else "",
            "action": f"answer.{r.source}",
            "country": r.answer.response.country,
            "summary": f"{r.answer.question.code} v{r.version}",
            "ip": r.ip_address,
        }
        for r in revisions[:limit]
    ]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows[:limit]


@login_required
def audit_trail(request):
    """The append-only record, filterable and exportable; nothing here changes it."""
    _require_review(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events, revisions = _audit_rows(filters)
    if request.GET.get("format") == "csv":
        audit_record(
            actor=request.user,
            action="audit.exported",
            summary="Exported the audit trail",
            data={k: str(v) for k, v in filters.items() if v},
            ip_address=client_address(request),
        )

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def lines():
            yield writer.writerow(["when", "who", "action", "state", "summary", "address"])
            for row in _merge(events, revisions, 100_000):
                yield writer.writerow(
                    [
                        guard(str(v))
                        for v in (
                            row["at"].isoformat(),
                            row["who"],
                            row["action"],
                            row["country"].iso3 if row["country"] else "",
                            row["summary"],
                            row["ip"] or "",
                        )
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        return response
    page = Paginator(_merge(events, revisions, 2000), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "surveys/audit_trail.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def review_home(request):
    """The queue of the current cycle: the most recently published version."""
    _require_review(request)
    questionnaire = (
        Questionnaire.objects.exclude(status=Questionnaire.Status.DRAFT).order_by("-published_at").first()
    )
    if questionnaire is None:
        messages.info(request, _("No questionnaire is published yet."))
        return redirect("surveys:questionnaire_list")
    return redirect("surveys:review_queue", code=questionnaire.code)
