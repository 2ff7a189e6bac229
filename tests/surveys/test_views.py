import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import AuditEvent, Role
from surveys.models import Questionnaire
from surveys.services.spreadsheet import questionnaire_export

from .factories import QuestionnaireFactory, SectionFactory, compliance_question

pytestmark = pytest.mark.django_db


def test_everyone_signed_in_reads_the_published_questionnaire_in_their_language(
    client, contributor, shipped_questionnaire
):
    client.force_login(contributor)
    response = client.get(reverse("surveys:instrument_read", args=["omnibus-2026", "TIP"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "TIP-5-1-C" in page
    assert "UNTOC-5-1-C" not in page
    response = client.get("/ar/questionnaires/omnibus-2026/UNTOC/")
    page = response.content.decode()
    assert 'dir="rtl"' in page
    assert "هل بلدكم ممتثل لهذا الحكم؟" in page


def test_reading_filters_by_obligation_level_and_theme(client, contributor, shipped_questionnaire):
    client.force_login(contributor)
    url = reverse("surveys:instrument_read", args=["omnibus-2026", "UNTOC"])
    sections = client.get(url, {"obligation": "optional"}).context["sections"]
    questions = [q for s in sections for q in s.shown_questions]
    assert questions
    assert {q.provision.obligation for q in questions} == {"optional"}
    sections = client.get(url, {"theme": "jurisdiction"}).context["sections"]
    assert {s.article.number for s in sections} == {"15"}


def test_reading_page_query_count_is_constant(
    client, contributor, shipped_questionnaire, django_assert_max_num_queries
):
    client.force_login(contributor)
    # UNTOC has ~370 questions and TIP ~110: the same number of queries for both.
    with django_assert_max_num_queries(14) as big:
        client.get(reverse("surveys:instrument_read", args=["omnibus-2026", "UNTOC"]))
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("surveys:instrument_read", args=["omnibus-2026", "TIP"]))
    assert len(big.captured_queries) == len(small.captured_queries)


def test_drafts_are_hidden_from_national_users(client, contributor):
    draft = QuestionnaireFactory()
    client.force_login(contributor)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.code not in client.get(reverse("surveys:questionnaire_list")).content.decode()


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER, Role.PROVIDER])
def test_only_administrators_author(client, users_by_role, role):
    draft = QuestionnaireFactory()
    compliance_question(section=SectionFactory(questionnaire=draft))
    client.force_login(users_by_role[role])
    assert client.get(reverse("surveys:questionnaire_export", args=[draft.code])).status_code == 403
    assert client.get(reverse("surveys:questionnaire_import")).status_code == 403
    assert (
        client.post(reverse("surveys:questionnaire_copy", args=[draft.code]), {"code": "x"}).status_code
        == 403
    )
    assert client.post(reverse("surveys:questionnaire_publish", args=[draft.code])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.DRAFT


def test_administrator_exports_and_imports_through_the_pages(client, administrator, shipped_questionnaire):
    client.force_login(administrator)
    response = client.get(reverse("surveys:questionnaire_export", args=["omnibus-2026"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="omnibus-2026.xlsx"'
    assert AuditEvent.objects.filter(action="questionnaire.exported", actor=administrator).exists()
    # Re-importing the published version is refused with the place and the way forward.
    upload = SimpleUploadedFile("q.xlsx", questionnaire_export(shipped_questionnaire))
    response = client.post(reverse("surveys:questionnaire_import"), {"file": upload})
    assert response.status_code == 200
    assert "published and cannot change" in response.content.decode()
    assert "Sheet “questionnaire”, row 2, column “code”" in response.content.decode()


def test_administrator_copies_then_publishes(client, administrator, shipped_questionnaire):
    client.force_login(administrator)
    response = client.post(
        reverse("surveys:questionnaire_copy", args=["omnibus-2026"]), {"code": "omnibus-2028"}
    )
    assert response.status_code == 302
    draft = Questionnaire.objects.get(code="omnibus-2028")
    response = client.post(reverse("surveys:questionnaire_publish", args=["omnibus-2028"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.PUBLISHED


def test_published_version_is_read_only_in_the_admin(client, administrator, shipped_questionnaire):
    client.force_login(administrator)
    question = shipped_questionnaire.questions.get(code="UNTOC-5-1-C")
    url = reverse("admin:surveys_question_change", args=[question.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Copy it into a new draft" in response.content.decode()
    response = client.post(url, {"text_en": "Changed?", "code": question.code})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text_en == "Is your country in compliance with this provision?"


def test_administrator_sets_the_deadline_of_a_published_cycle(
    client, administrator, contributor, shipped_questionnaire
):
    url = reverse("surveys:questionnaire_deadline", args=["omnibus-2026"])
    client.force_login(contributor)
    assert client.post(url, {"deadline": "2027-03-31"}).status_code == 403
    client.force_login(administrator)
    assert client.post(url, {"deadline": "2027-03-31"}).status_code == 302
    shipped_questionnaire.refresh_from_db()
    assert str(shipped_questionnaire.deadline) == "2027-03-31"
    assert AuditEvent.objects.filter(action="questionnaire.deadline_set", actor=administrator).exists()
    client.post(url, {"deadline": "31/31/2027"})
    shipped_questionnaire.refresh_from_db()
    assert str(shipped_questionnaire.deadline) == "2027-03-31"
