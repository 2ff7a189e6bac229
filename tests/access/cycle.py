"""A small reporting cycle built through the services: a published questionnaire, two States' responses
with answers, history, an attached file and a comment thread, and invitations. Shared by the access
matrix (own State versus other State) and the backup tests (a cycle to dump and restore)."""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import Country, Invitation, Role, User
from surveys.models import Attachment, Comment, Question, Questionnaire, Response, Section
from surveys.services import answers, review
from surveys.structure import clear_cache
from tests.factories import InvitationFactory, TreatyParticipationFactory
from tests.surveys.factories import ProvisionFactory, QuestionFactory, published_questionnaire

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class StateData:
    country: Country
    response: Response
    attachment: Attachment
    comment: Comment
    invitation: Invitation
    invitation_token: str
    extra: dict = field(default_factory=dict)


@dataclass
class Cycle:
    questionnaire: Questionnaire
    section: Section
    question: Question
    file_question: Question
    states: dict[str, StateData]


def build_cycle(*, states: dict[str, tuple[User, User]], reviewer: User) -> Cycle:
    """`states` maps a key ("own", "other") to (focal point, contributor) of that State."""
    clear_cache()  # structures are cached by primary key, which a flushed database hands out again
    questionnaire = published_questionnaire(questions=2)
    section = questionnaire.sections.get()
    question = section.questions.order_by("position").first()
    question.provision = ProvisionFactory(code="UNTOC-99-1", article__instrument=section.instrument)
    question.save()
    file_question = QuestionFactory(
        section=section, kind=Question.Kind.FILE, position=99, text_fr="Fichiers ?"
    )
    built = {}
    for key, (focal_point, contributor) in states.items():
        country = focal_point.country
        TreatyParticipationFactory(country=country, treaty="UNTOC")
        response = answers.response_for(country=country, questionnaire=questionnaire)
        answers.response_open(response=response, by=focal_point)
        answer = answers.answer_save(
            response=response, question=question, value="partial", base_version=0, by=contributor
        )
        answers.answer_save(
            response=response,
            question=question,
            value="yes",
            base_version=answer.version,
            by=focal_point,
            ip_address="192.0.2.10",
        )
        upload = SimpleUploadedFile(f"law-{country.iso2}.pdf", PDF_BYTES + country.iso2.encode())
        attachment = answers.attachment_add(
            response=response, question=file_question, upload=upload, by=contributor
        )
        comment = review.comment_add(
            response=response, question=question, body=f"Please cite the law of {country}.", by=reviewer
        )
        review.comment_add(response=response, question=question, body="Done.", by=focal_point)
        token = f"matrix-invitation-{key}"
        invitation = InvitationFactory(
            token=token, role=Role.CONTRIBUTOR, country=country, invited_by=focal_point
        )
        built[key] = StateData(
            country=country,
            response=Response.objects.get(pk=response.pk),
            attachment=attachment,
            comment=comment,
            invitation=invitation,
            invitation_token=token,
        )
    return Cycle(
        questionnaire=questionnaire,
        section=section,
        question=question,
        file_question=file_question,
        states=built,
    )
