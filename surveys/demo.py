"""A demo response for local use: Mexico's focal point answers every required question of the published
questionnaire and submits, through the same services as the pages, so that review, analysis and the
Conference reports have a reply to show right after `make run`."""

from django.db import transaction

from portal.models import Country, User

from .models import Question, Questionnaire, Response
from .selectors import missing_questions, response_scope
from .services import answers as answer_services
from .structure import structure_for

# A plausible spread of compliance answers, in order of the questions (deterministic).
COMPLIANCE_CYCLE = ("yes", "yes", "partial", "yes", "no", "yes", "partial")


def demo_response_load() -> Response | None:
    """Answer and submit Mexico's response once; None when it is already submitted or nothing is published."""
    questionnaire = (
        Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).order_by("-published_at").first()
    )
    mexico = Country.objects.filter(iso2="MX").first()
    focal_point = User.objects.filter(email="focal.point@mexico.demo").first()
    if questionnaire is None or mexico is None or focal_point is None:
        return None
    structure = structure_for(questionnaire)
    with transaction.atomic():
        response = answer_services.response_for(country=mexico, questionnaire=questionnaire)
        if response.status not in Response.EDITABLE_STATUSES:
            return None
        answer_services.response_open(response=response, by=focal_point)
        scope = response_scope(response, structure)
        values: dict[int, object] = {}
        for position, question in enumerate(
            missing_questions(structure=structure, values=values, scope=scope)
        ):
            if question.kind != Question.Kind.COMPLIANCE:
                continue
            value = COMPLIANCE_CYCLE[position % len(COMPLIANCE_CYCLE)]
            answer_services.answer_save(
                response=response,
                question=question,
                value=value,
                base_version=0,
                by=focal_point,
                language="es",
            )
            values[question.pk] = value
        return answer_services.response_submit(response=response, by=focal_point, structure=structure)
