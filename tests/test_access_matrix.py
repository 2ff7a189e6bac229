"""The access matrix: every URL of the portal × every role × the person's own State or another State.

MATRIX below is the whole policy in one table. Each row names a URL pattern, the method to try (POST for
views that only take POST: they are sent empty data), which objects fill its arguments, and one letter
per role, in the order of ROLES:

    Y  allowed: the page answers (2xx, a redirect elsewhere than the sign-in page, or for POST a 400 that
       says the empty form is invalid)
    L  sent to the sign-in page (anonymous)
    N  refused: 403 or 404 (another State's data does not exist for you)

Rows about a State's data have two lines: `own` (objects of Alphaland, the State of the focal point and
the contributor) and `other` (Betaland's). A refused POST must also leave the database as it was.

A URL pattern missing from MATRIX fails `test_every_url_pattern_is_in_the_matrix` with the line to add.
"""

import copy
import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.models import Role
from surveys.models import Answer, Question, Questionnaire, Response
from surveys.structure import clear_cache
from tests.access.cycle import build_cycle
from tests.access.otp import verified_force_login
from tests.factories import CountryFactory, UserFactory
from tests.surveys.factories import QuestionFactory, QuestionnaireFactory, SectionFactory

ROLES = ("anonymous", Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER, Role.ADMINISTRATOR, Role.PROVIDER)

# Framework URLs that are not the portal's own pages, left out on purpose:
SKIPPED_PREFIXES = {
    # Django's admin: its own permission system (is_staff, model permissions), tested by Django; only
    # administrators are staff. Secretariat two-factor sign-in covers it (tests/portal/test_hardening.py).
    "admin/": "Django admin, guarded by is_staff and the two-factor middleware",
}


@dataclass(frozen=True)
class Row:
    method: str  # "GET" or "POST"
    args: str  # which objects fill the URL: a key of ARGUMENTS
    cells: dict  # scope ("any", "own", "other") -> one letter per role, in the order of ROLES
    data: dict  # sent with the request: query string for GET, form for POST (empty unless the view
    # needs a valid value to get as far as its permission check, e.g. which version to restore)


def row(method="GET", args="none", data=None, **cells):
    return Row(method, args, {scope: letters.split() for scope, letters in cells.items()}, data or {})


#            URL name                               method  arguments      anon  FP  contr  rev  admin  prov
MATRIX = {
    "set_language": row("POST", any="Y Y Y Y Y Y"),
    "favicon.ico": row(any="Y Y Y Y Y Y"),
    # portal
    "portal:home": row(any="L Y Y Y Y Y"),
    "portal:country_list": row(any="L Y Y Y Y Y"),
    "portal:country_detail": row(args="country", own="L Y Y Y Y Y", other="L Y Y Y Y Y"),
    "portal:team": row(any="L Y N N Y N"),
    "portal:invitation_revoke": row("POST", "invitation", own="L Y N N Y N", other="L N N N Y N"),
    "portal:invitation_accept": row(args="invitation_token", own="Y Y Y Y Y Y", other="Y Y Y Y Y Y"),
    # sign-in
    "login": row(any="Y Y Y Y Y Y"),
    "two_factor_verify": row(any="L Y Y Y Y Y"),
    "two_factor_enrol": row(any="L Y Y Y Y Y"),
    "logout": row("POST", any="L L L L L L"),  # signing out leads back to the sign-in page
    "password_reset": row(any="Y Y Y Y Y Y"),
    "password_reset_done": row(any="Y Y Y Y Y Y"),
    "password_reset_confirm": row(args="password_token", any="Y Y Y Y Y Y"),
    "password_reset_complete": row(any="Y Y Y Y Y Y"),
    "password_change": row(any="L Y Y Y Y Y"),
    "password_change_done": row(any="L Y Y Y Y Y"),
    # questionnaires
    "surveys:questionnaire_list": row(any="L Y Y Y Y Y"),
    "surveys:questionnaire_import": row(any="L N N N Y N"),
    "surveys:questionnaire_detail": row(args="questionnaire", any="L Y Y Y Y Y"),
    "surveys:questionnaire_export": row(args="questionnaire", any="L N N N Y N"),
    "surveys:questionnaire_copy": row("POST", "questionnaire", any="L N N N Y N"),
    "surveys:questionnaire_publish": row("POST", "questionnaire", any="L N N N Y N"),
    "surveys:questionnaire_deadline": row("POST", "questionnaire", any="L N N N Y N"),
    "surveys:instrument_read": row(args="instrument", any="L Y Y Y Y Y"),
    # review and analysis (Secretariat)
    "surveys:review_home": row(any="L N N Y Y N"),
    "surveys:audit_trail": row(any="L N N Y Y N"),
    "surveys:review_queue": row(args="questionnaire", any="L N N Y Y N"),
    "surveys:analysis": row(args="questionnaire", any="L N N Y Y N"),
    "surveys:analysis_states": row(
        args="questionnaire", data={"provision": "UNTOC-99-1", "answer": "yes"}, any="L N N Y Y N"
    ),
    "surveys:responses_export_csv": row(args="questionnaire", any="L N N Y Y N"),
    "surveys:responses_export_xlsx": row("POST", "questionnaire", any="L N N Y Y N"),  # queues a job
    "surveys:export_job_detail": row(args="export_job", any="L N N Y Y N"),
    "surveys:export_job_status": row(args="export_job", any="L N N Y Y N"),
    "surveys:export_job_retry": row("POST", "export_job", any="L N N Y Y N"),
    "surveys:export_job_download": row(args="export_job", any="L N N Y Y N"),
    # a State's response
    "surveys:response_list": row(any="L Y Y Y Y N"),  # the Secretariat sees every State's there
    "surveys:response_detail": row(args="response", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:response_scope": row(
        "POST",
        "response",
        data={"instrument": "UNTOC", "include": "1"},
        own="L Y N N N N",
        other="L N N N N N",
    ),
    "surveys:response_submit": row(args="response", own="L Y N N N N", other="L N N N N N"),
    "surveys:response_submitted": row(args="response", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:section_form": row(args="section", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:answer_autosave": row("POST", "question", own="L Y Y N N N", other="L N N N N N"),
    "surveys:answer_history": row(args="question", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:answer_restore": row(
        "POST", "question", data={"version": "1"}, own="L Y N N N N", other="L N N N N N"
    ),
    "surveys:answer_reuse": row(
        "POST", "reusable_question", data={"offer": "0"}, own="L Y Y N N N", other="L N N N N N"
    ),
    "surveys:attachment_download": row(args="attachment", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:attachment_remove": row("POST", "attachment", own="L Y Y N N N", other="L N N N N N"),
    "surveys:response_transition": row(
        "POST", "response", data={"action": "start_review"}, own="L N N Y Y N", other="L N N Y Y N"
    ),
    "surveys:response_compare": row(args="response", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:comment_add": row("POST", "question", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:comment_resolve": row("POST", "comment", own="L N N Y Y N", other="L N N Y Y N"),
    "surveys:offline_download": row(args="response", own="L Y Y Y Y N", other="L N N Y Y N"),
    "surveys:offline_upload": row(args="response", own="L Y Y N N N", other="L N N N N N"),
    "surveys:offline_apply": row("POST", "response", own="L Y Y N N N", other="L N N N N N"),
    # reports
    "reports:session_list": row(any="L Y Y Y Y N"),
    "reports:session_detail": row(args="conference_session", any="L Y Y Y Y N"),
    "reports:job_detail": row(args="report", own="L Y Y Y Y N", other="L N N Y Y N"),
    "reports:job_status": row(args="report", own="L Y Y Y Y N", other="L N N Y Y N"),
    "reports:job_retry": row("POST", "report", own="L Y Y Y Y N", other="L N N Y Y N"),
    "reports:job_download": row(args="report", own="L Y Y Y Y N", other="L N N Y Y N"),
    # technical assistance
    "assistance:need_list": row(any="L Y Y Y Y Y"),  # each sees what is theirs: a provider, shared needs
    "assistance:need_create": row(any="L N N Y Y N"),
    "assistance:needs_share": row("POST", any="L Y N N N N"),
    "assistance:need_detail": row(args="need_shared", own="L Y Y Y Y Y", other="L N N Y Y Y"),
    "assistance:need_share": row("POST", "need_identified", own="L Y N N N N", other="L N N N N N"),
    "assistance:need_unshare": row("POST", "need_shared", own="L Y N N N N", other="L N N N N N"),
    "assistance:need_priority": row("POST", "need_shared", own="L Y N Y Y N", other="L N N Y Y N"),
    "assistance:need_withdraw": row("POST", "need_identified", own="L Y N Y Y N", other="L N N Y Y N"),
    "assistance:need_reopen": row("POST", "need_withdrawn", own="L Y N Y Y N", other="L N N Y Y N"),
    "assistance:offer_make": row("POST", "need_shared", own="L N N N N Y", other="L N N N N Y"),
    "assistance:offer_list": row(any="L N N Y Y N"),
    "assistance:offer_withdraw": row("POST", "offer", own="L N N N N Y", other="L N N N N Y"),
    "assistance:offer_decline": row("POST", "offer", own="L N N Y Y N", other="L N N Y Y N"),
    "assistance:offer_match": row(args="offer", own="L N N Y Y N", other="L N N Y Y N"),
    "assistance:my_assistance": row(any="L N N N N Y"),
    "assistance:activity_list": row(any="L Y Y Y Y Y"),
    "assistance:activity_create": row(any="L N N Y Y N"),
    "assistance:activity_detail": row(args="activity", own="L Y Y Y Y Y", other="L N N Y Y Y"),
    "assistance:activity_status": row("POST", "activity", own="L N N Y Y N", other="L N N Y Y N"),
    "assistance:activity_add_needs": row("POST", "activity", own="L N N Y Y N", other="L N N Y Y N"),
    "assistance:contribution_list": row(any="L N N Y Y Y"),
    "assistance:contribution_create": row(any="L N N Y Y N"),
    "assistance:contribution_detail": row(args="contribution", any="L N N Y Y Y"),
    "assistance:rate_list": row(any="L N N Y Y N"),
    "assistance:coverage": row(any="L N N Y Y N"),
    "assistance:export": row(args="needs_export", any="L Y Y Y Y Y"),  # scoped like the needs list
}


# Patterns without a name are listed by their route.
UNNAMED = {"favicon.ico": "/favicon.ico"}

# How each kind of argument is filled from the objects of one State (`data` is the fixture below).
ARGUMENTS = {
    "none": lambda data, scope: {},
    "country": lambda data, scope: {"iso2": data["states"][scope].country.iso2},
    "invitation": lambda data, scope: {"pk": data["states"][scope].invitation.pk},
    "invitation_token": lambda data, scope: {"token": data["states"][scope].invitation_token},
    "password_token": lambda data, scope: data["password_token"],
    "questionnaire": lambda data, scope: {"code": data["cycle"].questionnaire.code},
    "instrument": lambda data, scope: {
        "code": data["cycle"].questionnaire.code,
        "instrument": data["cycle"].section.instrument.code,
    },
    "response": lambda data, scope: {"pk": data["states"][scope].response.pk},
    "section": lambda data, scope: {
        "pk": data["states"][scope].response.pk,
        "section_code": data["cycle"].section.code,
    },
    "question": lambda data, scope: {
        "pk": data["states"][scope].response.pk,
        "question_code": data["cycle"].question.code,
    },
    "reusable_question": lambda data, scope: {
        "pk": data["states"][scope].response.pk,
        "question_code": data["reusable_question"].code,
    },
    "attachment": lambda data, scope: {
        "pk": data["states"][scope].response.pk,
        "attachment_id": data["states"][scope].attachment.pk,
    },
    "comment": lambda data, scope: {
        "pk": data["states"][scope].response.pk,
        "comment_id": data["states"][scope].comment.pk,
    },
    "conference_session": lambda data, scope: {"number": data["conference_session"].number},
    "report": lambda data, scope: {"pk": data["states"][scope].extra["report"].pk},
    "need_identified": lambda data, scope: {"pk": data["states"][scope].extra["need_identified"].pk},
    "need_shared": lambda data, scope: {"pk": data["states"][scope].extra["need_shared"].pk},
    "need_withdrawn": lambda data, scope: {"pk": data["states"][scope].extra["need_withdrawn"].pk},
    "offer": lambda data, scope: {"pk": data["states"][scope].extra["offer"].pk},
    "activity": lambda data, scope: {"pk": data["states"][scope].extra["activity"].pk},
    "contribution": lambda data, scope: {"pk": data["contribution"].pk},
    "needs_export": lambda data, scope: {"name": "needs", "file_format": "csv"},
    "export_job": lambda data, scope: {"code": data["cycle"].questionnaire.code, "pk": data["export_job"].pk},
}


def _url_patterns(patterns=None, prefix="", namespace=""):
    """(name, route, argument names) of every URL pattern, walking included URL lists."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if any(str(pattern.pattern) == skipped for skipped in SKIPPED_PREFIXES):
                continue
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _url_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}".strip(":") if pattern.name else str(pattern.pattern)
            yield name, route, sorted(pattern.pattern.converters)


def test_every_url_pattern_is_in_the_matrix():
    found = {name: (route, params) for name, route, params in _url_patterns()}
    missing = [
        f'    "{name}": row(...),  # {route} takes {params or "no argument"}: say what each role may do '
        f"(Y/L/N per role: {' '.join(ROLES)}), with own= and other= lines if it shows a State's data"
        for name, (route, params) in sorted(found.items())
        if name not in MATRIX
    ]
    assert not missing, "URL patterns missing from MATRIX in tests/test_access_matrix.py; add:\n" + "\n".join(
        missing
    )
    stale = sorted(set(MATRIX) - set(found))
    assert not stale, f"MATRIX names URL patterns that no longer exist: {stale}"


def test_matrix_rows_are_well_formed():
    for name, spec in MATRIX.items():
        assert spec.method in ("GET", "POST"), name
        assert spec.args in ARGUMENTS, name
        assert set(spec.cells) in ({"any"}, {"own", "other"}), name
        for letters in spec.cells.values():
            assert len(letters) == len(ROLES) and set(letters) <= {"Y", "L", "N"}, name


# --- The data: built once for the module, outside the tests' transactions ----------------------------------


@pytest.fixture(scope="module")
def matrix_data(django_db_setup, django_db_blocker, tmp_path_factory):
    # Files of this module live in a folder of their own, whatever other test runs do to theirs.
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")))
    media.enable()
    with django_db_blocker.unblock():
        own_state = CountryFactory(iso2="AA", name="Alphaland")
        other_state = CountryFactory(iso2="BB", name="Betaland")
        users = {
            Role.FOCAL_POINT: UserFactory(role=Role.FOCAL_POINT, country=own_state),
            Role.CONTRIBUTOR: UserFactory(role=Role.CONTRIBUTOR, country=own_state),
            Role.REVIEWER: UserFactory(reviewer=True),
            Role.ADMINISTRATOR: UserFactory(administrator=True),
            Role.PROVIDER: UserFactory(provider_user=True),
        }
        other_focal_point = UserFactory(role=Role.FOCAL_POINT, country=other_state)
        other_contributor = UserFactory(role=Role.CONTRIBUTOR, country=other_state)
        cycle = build_cycle(
            states={
                "own": (users[Role.FOCAL_POINT], users[Role.CONTRIBUTOR]),
                "other": (other_focal_point, other_contributor),
            },
            reviewer=users[Role.REVIEWER],
        )
        data = {
            "users": users,
            "cycle": cycle,
            "states": cycle.states,
            "password_token": {
                "uidb64": urlsafe_base64_encode(force_bytes(other_contributor.pk)),
                "token": default_token_generator.make_token(other_contributor),
            },
        }
        _add_reuse_offer(data)
        _add_export_job(data)
        if apps.is_installed("reports"):
            _add_reports(data)
        if apps.is_installed("assistance"):
            _add_assistance(data)
        # One signed-in client per role for the whole module; Secretariat sessions are verified.
        data["clients"] = {"anonymous": Client()}
        for role, user in users.items():
            data["clients"][role] = Client()
            verified_force_login(data["clients"][role], user)
    yield data
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    media.disable()


def _add_export_job(data):
    """A finished XLSX export of every State's answers (the Secretariat's)."""
    from surveys.models import ExportJob

    job = ExportJob(
        questionnaire=data["cycle"].questionnaire,
        language="en",
        fingerprint="e" * 64,
        status=ExportJob.Status.DONE,
        progress=100,
    )
    job.file.save("responses-en.xlsx", ContentFile(b"PK export"), save=False)
    job.save()
    data["export_job"] = job


def _add_reuse_offer(data):
    """Each State accepted an answer to the previous version of the second question: it may be reused."""
    cycle = data["cycle"]
    previous = QuestionnaireFactory(
        code="matrix-previous", status=Questionnaire.Status.CLOSED, published_at=timezone.now()
    )
    earlier = QuestionFactory(section=SectionFactory(questionnaire=previous), kind=Question.Kind.COMPLIANCE)
    cycle.questionnaire.previous = previous
    cycle.questionnaire.save()
    question = (
        cycle.section.questions.exclude(pk=cycle.question.pk).filter(kind=Question.Kind.COMPLIANCE).first()
    )
    question.continues = earlier
    question.save()
    now = timezone.now()
    for state in data["states"].values():
        accepted = Response.objects.create(
            questionnaire=previous,
            country=state.country,
            status=Response.Status.ACCEPTED,
            submitted_at=now,
            accepted_at=now,
        )
        Answer.objects.create(response=accepted, question=earlier, value="yes", updated_at=now)
    data["reusable_question"] = question
    clear_cache()


def _add_assistance(data):
    """Per State: a need only identified, one shared (with the provider's open offer), one withdrawn that
    the answers still ask for; an activity of the provider; and one contribution of the provider."""
    from assistance.models import Need
    from tests.assistance.factories import ActivityFactory, ContributionFactory, NeedFactory, OfferFactory

    provider_user = data["users"][Role.PROVIDER]
    provider = provider_user.provider
    now = timezone.now()
    for state in data["states"].values():
        extra = state.extra
        extra["need_identified"] = NeedFactory(country=state.country)
        extra["need_shared"] = NeedFactory(country=state.country, status=Need.Status.SHARED, shared_at=now)
        extra["need_withdrawn"] = NeedFactory(
            country=state.country, status=Need.Status.WITHDRAWN, in_answer=True
        )
        extra["offer"] = OfferFactory(need=extra["need_shared"], provider=provider, created_by=provider_user)
        extra["activity"] = ActivityFactory(provider=provider, country=state.country)
    data["contribution"] = ContributionFactory(donor=provider)


def _add_reports(data):
    from reports.models import ConferenceSession, ReportJob

    session = ConferenceSession.objects.create(
        number=13,
        title="Thirteenth session",
        start_date=datetime.date(2026, 10, 12),
        end_date=datetime.date(2026, 10, 16),
        venue="Vienna",
        symbol_prefix="CTOC/COP/2026/",
        data_cutoff=datetime.date(2026, 9, 1),
        questionnaire=data["cycle"].questionnaire,
    )
    data["conference_session"] = session
    for key, state in data["states"].items():
        job = ReportJob(
            session=session,
            kind="country_profile",
            language="en",
            country=state.country,
            audience="state",
            fingerprint=f"{key:0<64}"[:64],
            status=ReportJob.Status.DONE,
            progress=100,
        )
        job.file.save(f"profile-{state.country.iso2}.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
        job.save()
        state.extra["report"] = job


# --- The check ----------------------------------------------------------------------------------------------


def _fingerprint():
    """Row count and latest change of every table the portal's pages write to, in one query."""
    parts = []
    for label in ("portal", "surveys", "assistance", "reports"):
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            table = connection.ops.quote_name(model._meta.db_table)
            parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608 - names from the models
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                column = connection.ops.quote_name(model._meta.get_field("updated_at").column)
                parts.append(f"(SELECT MAX({column}) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


def _outcome(response, method) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        path = urlsplit(response["Location"]).path
        if path == reverse("login"):
            return "L"
        if path in (reverse("two_factor_verify"), reverse("two_factor_enrol")):
            return "second factor asked"
        return "Y"
    if status in (403, 404):
        return "N"
    if status < 300 or (method == "POST" and status in (400, 409, 410)) or status == 410:
        return "Y"
    return f"HTTP {status}"


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_access(url_name, matrix_data, db):
    spec = MATRIX[url_name]
    clients = matrix_data["clients"]
    problems = []
    for scope, letters in spec.cells.items():
        kwargs = ARGUMENTS[spec.args](matrix_data, "own" if scope == "any" else scope)
        url = UNNAMED.get(url_name) or reverse(url_name, kwargs=kwargs)
        for role, expected in zip(ROLES, letters, strict=True):
            client = clients[role]
            cookies = copy.deepcopy(client.cookies)  # signing out must not sign the module's client out
            with transaction.atomic():
                before = _fingerprint() if spec.method == "POST" and expected != "Y" else None
                if spec.method == "POST":
                    response = client.post(url, spec.data)
                else:
                    response = client.get(url, spec.data)
                outcome = _outcome(response, spec.method)
                if before is not None and _fingerprint() != before:
                    problems.append(f"{role} {scope}: refused POST {url} changed the database")
                transaction.set_rollback(True)
            client.cookies = cookies
            if outcome != expected:
                problems.append(
                    f"{role:<14} {scope:<5} {spec.method} {url}: expected {expected}, got {outcome}"
                )
    assert not problems, "\n".join(problems)
