"""The Secretariat's questionnaire actions and the answer history with hostile input: the deadline, a
copy's code, publishing, restoring a version and reusing an answer. Never a server error; a refusal
changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.models import AuditEvent, Role
from surveys.models import Answer, AnswerRevision, Question, Questionnaire

from .checks import assert_inert, rows
from .strategies import date_text, examples, hostile_text, number_text

pytestmark = pytest.mark.django_db

QUESTIONNAIRE_TABLES = (Questionnaire, Question, AuditEvent)


def _refused(reply) -> bool:
    return reply.status_code != 302 or any(m.level_tag == "error" for m in get_messages(reply.wsgi_request))


@examples(12)
@given(deadline=date_text, role=st.sampled_from((Role.ADMINISTRATOR, Role.REVIEWER, Role.FOCAL_POINT)))
def test_a_deadline_is_saved_as_a_date_or_refused(world, as_role, deadline, role):
    client = as_role(role)
    before = rows(*QUESTIONNAIRE_TABLES)
    reply = client.post(
        reverse("surveys:questionnaire_deadline", args=[world.questionnaire.code]), {"deadline": deadline}
    )
    assert reply.status_code in (302, 403)
    if _refused(reply):
        assert rows(*QUESTIONNAIRE_TABLES) == before
    else:
        saved = Questionnaire.objects.get(pk=world.questionnaire.pk).deadline
        assert (saved is None) == (deadline.strip() == "")
        assert_inert(client.get(reply["Location"]).content.decode())


@examples(10)
@given(
    code=st.one_of(st.sampled_from(("omnibus-2028", "hostile-1", "hostile-draft", "a" * 41)), hostile_text)
)
def test_a_copy_gets_a_valid_new_code_or_is_refused(world, as_role, code):
    client = as_role(Role.ADMINISTRATOR)
    before = rows(*QUESTIONNAIRE_TABLES)
    reply = client.post(
        reverse("surveys:questionnaire_copy", args=[world.questionnaire.code]), {"code": code}
    )
    assert reply.status_code == 302
    if _refused(reply):
        assert rows(*QUESTIONNAIRE_TABLES) == before
    else:
        assert Questionnaire.objects.filter(code=code, status=Questionnaire.Status.DRAFT).exists()
    assert_inert(client.get(reply["Location"]).content.decode())


@examples(10)
@given(version=number_text, role=st.sampled_from((Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER)))
def test_restoring_any_version_never_fails_and_a_refusal_changes_nothing(world, as_role, version, role):
    client = as_role(role)
    before = rows(Answer, AnswerRevision, AuditEvent)
    reply = client.post(
        reverse("surveys:answer_restore", args=[world.response.pk, "U-T"]), {"version": version}
    )
    assert reply.status_code in (302, 403, 404)
    if _refused(reply):
        assert rows(Answer, AnswerRevision, AuditEvent) == before


@examples(10)
@given(
    offer=st.one_of(number_text, st.sampled_from(("0", "1", "-1", "٠"))),
    code=st.sampled_from(("U-T", "U-C", "U-L")),
)
def test_reusing_any_offer_never_fails_and_a_refusal_changes_nothing(world, as_role, offer, code):
    client = as_role(Role.FOCAL_POINT)
    before = rows(Answer, AnswerRevision, AuditEvent)
    reply = client.post(reverse("surveys:answer_reuse", args=[world.response.pk, code]), {"offer": offer})
    assert reply.status_code in (302, 404)
    if _refused(reply):
        assert rows(Answer, AnswerRevision, AuditEvent) == before


@examples(6)
@given(
    role=st.sampled_from((Role.ADMINISTRATOR, Role.REVIEWER)),
    extra=st.dictionaries(st.sampled_from(("code", "confirm")), hostile_text, max_size=2),
)
def test_publishing_never_fails_and_a_refusal_changes_nothing(world, as_role, role, extra):
    client = as_role(role)
    before = rows(*QUESTIONNAIRE_TABLES)
    reply = client.post(reverse("surveys:questionnaire_publish", args=[world.draft.code]), extra)
    assert reply.status_code in (302, 403)
    if _refused(reply):
        assert rows(*QUESTIONNAIRE_TABLES) == before
