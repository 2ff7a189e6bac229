"""Bugs the hostile-input properties found, each pinned by the smallest request that showed it.

Most are NUL characters: PostgreSQL stores no NUL character and refuses to even compare one: a code or message holding one was
a server error (ValueError from the database driver) instead of a refusal."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import AuditEvent, Role
from surveys.models import Answer, Attachment, Comment, Response
from surveys.services.answers import answer_save

from .checks import rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("portal:country_detail", lambda w: {"iso2": "A\x00"}),
        ("surveys:instrument_read", lambda w: {"code": w.questionnaire.code, "instrument": "untoc\x00"}),
    ],
)
def test_a_nul_in_a_code_in_the_path_is_not_found(world, as_role, url_name, kwargs):
    assert as_role(Role.FOCAL_POINT).get(reverse(url_name, kwargs=kwargs(world))).status_code == 404


def test_restoring_the_answer_of_a_code_with_a_nul_is_not_found(world, as_role):
    url = reverse("surveys:answer_restore", args=[world.response.pk, "U-T\x00"])
    assert as_role(Role.FOCAL_POINT).post(url, {"version": "1"}).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "field"), [("response_scope", "instrument"), ("response_list", "questionnaire")]
)
def test_a_posted_code_with_a_nul_is_not_found(world, as_role, url_name, field):
    args = [world.response.pk] if url_name == "response_scope" else []
    before = rows(Response, AuditEvent)
    reply = as_role(Role.FOCAL_POINT).post(reverse(f"surveys:{url_name}", args=args), {field: "UNTOC\x00"})
    assert reply.status_code == 404
    assert rows(Response, AuditEvent) == before


def _errors(reply):
    return [str(m) for m in get_messages(reply.wsgi_request) if m.level_tag == "error"]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.FOCAL_POINT])
def test_a_comment_with_a_nul_is_refused_and_changes_nothing(world, as_role, role):
    Response.objects.filter(pk=world.response.pk).update(
        status=Response.Status.UNDER_REVIEW, submitted_at="2026-10-01T00:00Z"
    )
    before = rows(Comment, AuditEvent)
    reply = as_role(role).post(
        reverse("surveys:comment_add", args=[world.response.pk, "U-T"]), {"body": "Which\x00 courts?"}
    )
    assert reply.status_code == 302
    assert _errors(reply) == ["Null characters are not allowed."]
    assert rows(Comment, AuditEvent) == before


def test_returning_a_response_with_a_nul_in_the_summary_is_refused_and_changes_nothing(world, as_role):
    Response.objects.filter(pk=world.response.pk).update(
        status=Response.Status.UNDER_REVIEW, submitted_at="2026-10-01T00:00Z"
    )
    before = rows(Response, Comment, AuditEvent)
    reply = as_role(Role.REVIEWER).post(
        reverse("surveys:response_transition", args=[world.response.pk]),
        {"action": "return", "summary": "Clarify\x00 article 5"},
    )
    assert reply.status_code == 302
    assert _errors(reply) == ["Null characters are not allowed."]
    assert rows(Response, Comment, AuditEvent) == before


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_file_sent_with_an_answer_in_conflict_is_not_kept(world, as_role):
    """The page answers 409 (someone changed the references meanwhile: compare and choose); the text of
    the law attached with them waited for that choice too, instead of being added at once."""
    question = world.questionnaire.questions.get(code="U-L")
    answer_save(
        response=world.response,
        question=question,
        value=[{"title": "Penal Code", "article": "", "url": "", "in_force_on": ""}],
        base_version=0,
        by=world.users[Role.CONTRIBUTOR],
    )
    before = rows(Attachment, Answer, AuditEvent)
    page = as_role(Role.FOCAL_POINT).post(
        reverse("surveys:section_form", args=[world.response.pk, "U-5"]),
        {
            "U-L-base_version": 0,
            "U-L-ref_0_title": "Criminal Code",
            "U-L-upload": SimpleUploadedFile("law.pdf", PDF),
        },
    )
    assert page.status_code == 409
    assert rows(Attachment, Answer, AuditEvent) == before
