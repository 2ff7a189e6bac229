"""Reads: sessions and report jobs visible to a person, the state of a job as shown, and the fingerprint
of a report's inputs (what decides whether a stored file can be served again)."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext_lazy as _

from assistance.models import Activity, Contribution, ExchangeRate, Need, Offer, Provider
from portal import jobs as background
from portal.models import NATIONAL_ROLES, SECRETARIAT_ROLES, Country, TreatyParticipation, User
from surveys.models import Answer, Comment, Response

from .models import ConferenceSession, ReportJob, ReportKind

# Bump when a report's template or computation changes: stored files of older versions are not reused.
TEMPLATE_VERSION = "2"
# A worker records a sign of life at every step; a job "running" without one for this long has lost its
# worker (killed, out of memory, machine restarted) and is shown as failed, ready to be retried.
STALE_AFTER = timedelta(seconds=getattr(settings, "REPORTS_STALE_AFTER_SECONDS", 300))


STALE_MESSAGE = _("The worker stopped while building the report.")


def sessions_visible_to(user: User) -> QuerySet[ConferenceSession]:
    if user.role in (*SECRETARIAT_ROLES, *NATIONAL_ROLES):
        return ConferenceSession.objects.select_related("questionnaire")
    return ConferenceSession.objects.none()


def jobs_visible_to(user: User, session: ConferenceSession) -> QuerySet[ReportJob]:
    """Scoped first: national users see their own State's country profiles only."""
    jobs = ReportJob.objects.filter(session=session).select_related("country", "requested_by")
    if user.role in SECRETARIAT_ROLES:
        return jobs
    if user.role in NATIONAL_ROLES:
        return jobs.filter(kind=ReportKind.COUNTRY_PROFILE, country_id=user.country_id, audience="state")
    return jobs.none()


def is_stale(job: ReportJob, *, now=None) -> bool:
    """A job "running" whose worker has not shown a sign of life for too long."""
    return background.is_stale(job, stale_after=STALE_AFTER, now=now)


def shown_status(job: ReportJob) -> str:
    """The status people see: a stale running job is failed."""
    return background.shown_status(job, stale_after=STALE_AFTER)


def latest_jobs(user: User, session: ConferenceSession) -> list[ReportJob]:
    """The latest job per (report, State, audience, language) of a session, in a stable order."""
    seen, result = set(), []
    for job in jobs_visible_to(user, session).order_by("-created_at", "-id"):
        key = (job.kind, job.country_id, job.audience, job.language)
        if key in seen:
            continue
        seen.add(key)
        result.append(job)
    result.sort(key=lambda j: (j.kind, j.country.name if j.country else "", j.audience, j.language))
    return result


# --- Fingerprints ---------------------------------------------------------------------------------------------


def _stamp(queryset, field="updated_at") -> list:
    row = queryset.order_by().aggregate(latest=Max(field), n=Count("pk"))
    return [row["latest"].isoformat() if row["latest"] else "", row["n"]]


def _assistance_stamps() -> dict:
    """Latest change and row count of each assistance table the two assistance reports read."""
    models = (Need, Offer, Activity, Contribution, ExchangeRate, Provider)
    return {model.__name__: _stamp(model.objects.all()) for model in models}


def input_stamps(*, session: ConferenceSession, kind: str, country: Country | None = None) -> dict:
    """What the report reads, summarized: latest change and row count of each source."""
    questionnaire_id = session.questionnaire_id
    stamps = {"session": session.updated_at.isoformat()}
    if kind == ReportKind.COUNTRY_PROFILE:
        responses = Response.objects.filter(questionnaire_id=questionnaire_id, country=country)
        stamps["response"] = _stamp(responses)
        stamps["answers"] = _stamp(
            Answer.objects.filter(response__questionnaire_id=questionnaire_id, response__country=country)
        )
        stamps["comments"] = _stamp(
            Comment.objects.filter(response__questionnaire_id=questionnaire_id, response__country=country)
        )
        stamps["country"] = _stamp(Country.objects.filter(pk=country.pk))
        stamps["participations"] = _stamp(TreatyParticipation.objects.filter(country=country))
        stamps["needs"] = _stamp(Need.objects.filter(country=country))
    elif kind == ReportKind.ANALYTICAL:
        stamps["responses"] = _stamp(Response.objects.filter(questionnaire_id=questionnaire_id))
        stamps["answers"] = _stamp(
            # Every answer, not only today's replies: the report reads the replies as of the cut-off.
            Answer.objects.filter(response__questionnaire_id=questionnaire_id)
        )
        stamps["participations"] = _stamp(TreatyParticipation.objects.all())
        stamps["countries"] = _stamp(Country.objects.all())
    else:
        stamps.update(_assistance_stamps())
        stamps["countries"] = _stamp(Country.objects.all())
    return stamps


def fingerprint(
    *,
    session: ConferenceSession,
    kind: str,
    language: str,
    country: Country | None = None,
    audience: str = "",
) -> str:
    """SHA-256 of everything a report depends on: its inputs, template version, language and parameters."""
    payload = {
        "version": TEMPLATE_VERSION,
        "kind": kind,
        "language": language,
        "country": country.pk if country else None,
        "audience": audience,
        # The data as they stood at the end of this day: another cut-off is another report.
        "cutoff": session.data_cutoff.isoformat(),
        "inputs": input_stamps(session=session, kind=kind, country=country),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
