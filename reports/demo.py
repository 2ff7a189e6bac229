"""The demo Conference session `make run` offers: the thirteenth session, in Vienna in October 2026, on the
published questionnaire, with the data as they stand today. Saved through the service, so it is audited."""

import datetime

from django.utils import timezone

from portal.models import Role, User
from surveys.models import Questionnaire

from . import services
from .models import ConferenceSession

DEMO_NUMBER = 13
DEMO_TITLES = {
    "en": "Thirteenth session of the Conference of the Parties to the United Nations Convention against "
    "Transnational Organized Crime",
    "fr": "Treizième session de la Conférence des Parties à la Convention des Nations Unies contre la "
    "criminalité transnationale organisée",
    "es": "13º período de sesiones de la Conferencia de las Partes en la Convención de las Naciones Unidas "
    "contra la Delincuencia Organizada Transnacional",
    "ru": "Тринадцатая сессия Конференции участников Конвенции Организации Объединенных Наций против "
    "транснациональной организованной преступности",
    "ar": "الدورة الثالثة عشرة لمؤتمر الأطراف في اتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية",
    "zh_hans": "联合国打击跨国有组织犯罪公约缔约方会议第十三届会议",
}
DEMO_VENUES = {
    "en": "Vienna",
    "fr": "Vienne",
    "es": "Viena",
    "ru": "Вена",
    "ar": "فيينا",
    "zh_hans": "维也纳",
}


def demo_session_load() -> ConferenceSession | None:
    """Create the demo session once. Returns it when created; None when it is already there, or when there
    is no published questionnaire or no administrator (load the questionnaire and the demo accounts first)."""
    if ConferenceSession.objects.filter(number=DEMO_NUMBER).exists():
        return None
    questionnaire = (
        Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).order_by("-published_at").first()
    )
    # The demo's administrator (portal.demo), else any active administrator.
    administrators = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
    administrator = (
        administrators.filter(email="admin@unodc.demo").first() or administrators.order_by("pk").first()
    )
    if questionnaire is None or administrator is None:
        return None
    session = ConferenceSession(
        number=DEMO_NUMBER,
        start_date=datetime.date(2026, 10, 12),
        end_date=datetime.date(2026, 10, 16),
        symbol_prefix="CTOC/COP/2026/",
        data_cutoff=timezone.localdate(),
        questionnaire=questionnaire,
    )
    for language, title in DEMO_TITLES.items():
        setattr(session, f"title_{language}", title)
        setattr(session, f"venue_{language}", DEMO_VENUES[language])
    session.full_clean()
    return services.session_admin_save(by=administrator, session=session)
