"""One small portal with something of everything a form can act on: a State with its people, a
published questionnaire with every kind of question, a response with answers, a comment and a file, a
draft version, an invitation, technical assistance needs, an offer, an activity, a contribution and a
Conference session with a report job."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from assistance.models import Activity, Contribution, Need, Offer
from portal.models import Country, Invitation, Role, User
from reports.models import ConferenceSession, ReportJob
from surveys.models import (
    Answer,
    Attachment,
    Comment,
    Condition,
    ExportJob,
    Question,
    Questionnaire,
    Response,
)
from tests.assistance.factories import (
    ActivityFactory,
    AssistanceKindFactory,
    ContributionFactory,
    ExchangeRateFactory,
    NeedFactory,
    OfferFactory,
)
from tests.factories import CountryFactory, InvitationFactory, TreatyParticipationFactory, UserFactory
from tests.reports.factories import ConferenceSessionFactory
from tests.surveys.factories import (
    ChoiceFactory,
    InstrumentFactory,
    ProvisionFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
)

Kind = Question.Kind
INVITATION_TOKEN = "hostile-invitation-token"  # noqa: S105 - a test token, not a secret


@dataclass(repr=False)
class World:
    country: Country
    users: dict[str, User]
    questionnaire: Questionnaire
    draft: Questionnaire
    response: Response
    questions: dict[str, Question]
    comment: Comment
    attachment: Attachment
    invitation: Invitation
    need: Need
    offer: Offer
    activity: Activity
    contribution: Contribution
    session: ConferenceSession
    job: ReportJob
    export_job: ExportJob

    def __repr__(self):
        return f"World({self.country.iso2}, response {self.response.pk})"


def _compliance(section, code, **kwargs) -> Question:
    question = QuestionFactory(section=section, code=code, kind=Kind.COMPLIANCE, **kwargs)
    for position, (value, label) in enumerate((("yes", "Yes"), ("partial", "Yes, in part"), ("no", "No"))):
        ChoiceFactory(question=question, value=value, label_en=label, position=position)
    return question


def every_kind_questionnaire(code: str = "hostile-1", status=Questionnaire.Status.PUBLISHED) -> Questionnaire:
    """One section holding one question of every kind; the examples are asked only after "yes"."""
    questionnaire = QuestionnaireFactory(code=code, status=status, published_at=timezone.now())
    section = SectionFactory(
        questionnaire=questionnaire, instrument=InstrumentFactory(code="UNTOC"), code="U-5"
    )
    provision = ProvisionFactory(article__instrument=section.instrument)
    compliance = _compliance(section, "U-C", required=True, provision=provision, position=1)
    text = QuestionFactory(section=section, code="U-T", kind=Kind.LONG_TEXT, position=2)
    Condition.objects.create(question=text, depends_on=compliance, values=["yes", "partial"])
    QuestionFactory(section=section, code="U-N", kind=Kind.NUMBER, min_value=0, max_value=1000, position=3)
    QuestionFactory(section=section, code="U-D", kind=Kind.DATE, position=4)
    single = QuestionFactory(section=section, code="U-S", kind=Kind.SINGLE_CHOICE, position=5)
    multiple = QuestionFactory(section=section, code="U-M", kind=Kind.MULTIPLE_CHOICE, position=6)
    for value in ("a", "b"):
        ChoiceFactory(question=single, value=value, label_en=value.upper())
        ChoiceFactory(question=multiple, value=value, label_en=value.upper())
    QuestionFactory(section=section, code="U-L", kind=Kind.LEGISLATION, position=7)
    QuestionFactory(section=section, code="U-F", kind=Kind.FILE, position=8)
    QuestionFactory(section=section, code="U-A", kind=Kind.ASSISTANCE, position=9)
    return questionnaire


def build_world() -> World:
    country = CountryFactory(iso2="AA", name="Alphaland")
    focal_point = UserFactory(role=Role.FOCAL_POINT, country=country, email="focal@alphaland.example")
    contributor = UserFactory(role=Role.CONTRIBUTOR, country=country, email="expert@alphaland.example")
    reviewer = UserFactory(reviewer=True, email="reviewer@secretariat.example")
    administrator = UserFactory(administrator=True, email="admin@secretariat.example")
    provider_user = UserFactory(provider_user=True, email="donor@fund.example")
    TreatyParticipationFactory(country=country, treaty="UNTOC")
    kind = AssistanceKindFactory(code="training", label_en="Training")
    questionnaire = every_kind_questionnaire()
    questions = {q.kind: q for q in questionnaire.questions.all()}
    draft = QuestionnaireFactory(code="hostile-draft", status=Questionnaire.Status.DRAFT)
    response = Response.objects.create(
        questionnaire=questionnaire, country=country, status=Response.Status.IN_PROGRESS
    )
    now = timezone.now()
    for question_kind, value in (
        (Kind.COMPLIANCE, "yes"),
        (Kind.LONG_TEXT, "Courts convicted 12 groups."),
        (Kind.NUMBER, "12"),
    ):
        Answer.objects.create(
            response=response,
            question=questions[question_kind],
            value=value,
            updated_at=now,
            updated_by=focal_point,
        )
    file_answer = Answer.objects.create(
        response=response, question=questions[Kind.FILE], value=[], updated_at=now, updated_by=focal_point
    )
    attachment = Attachment(
        answer=file_answer,
        original_name="law.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_at=now,
        uploaded_by=focal_point,
    )
    attachment.file.save("law.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    comment = Comment.objects.create(
        response=response, question=questions[Kind.LONG_TEXT], author=reviewer, body="Which courts?"
    )
    invitation = InvitationFactory(token=INVITATION_TOKEN, country=country, invited_by=focal_point)
    need = NeedFactory(country=country, kind=kind, shared=True)
    offer = OfferFactory(need=need, provider=provider_user.provider)
    activity = ActivityFactory(country=country, provider=provider_user.provider)
    ExchangeRateFactory(currency="EUR", month=datetime.date(2026, 1, 1))
    contribution = ContributionFactory(donor=provider_user.provider, amount=Decimal("1000.00"))
    session = ConferenceSessionFactory(questionnaire=questionnaire)
    job = ReportJob.objects.create(
        session=session,
        kind="country_profile",
        language="en",
        country=country,
        audience="state",
        requested_by=reviewer,
    )
    export_job = ExportJob.objects.create(
        questionnaire=questionnaire, language="en", fingerprint="0" * 64, requested_by=reviewer
    )
    return World(
        country=country,
        users={
            Role.FOCAL_POINT: focal_point,
            Role.CONTRIBUTOR: contributor,
            Role.REVIEWER: reviewer,
            Role.ADMINISTRATOR: administrator,
            Role.PROVIDER: provider_user,
        },
        questionnaire=questionnaire,
        draft=draft,
        response=response,
        questions=questions,
        comment=comment,
        attachment=attachment,
        invitation=invitation,
        need=need,
        offer=offer,
        activity=activity,
        contribution=contribution,
        session=session,
        job=job,
        export_job=export_job,
    )
