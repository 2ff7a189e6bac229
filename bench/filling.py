"""Server time of the section page and of an automatic save, with the full questionnaire answered.

    .venv/bin/python bench/filling.py                       # embedded SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/omnibus .venv/bin/python bench/filling.py

Prints median and 95th percentile (ms) and the queries each request costs.
"""

from common import count_queries, machine, setup_django, summary, throwaway_database, timed

setup_django()
PROFILE = "--profile" in __import__("sys").argv


def main(page_repeat=60, save_repeat=300):
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from portal.models import Country, Role, TreatyParticipation, User
    from surveys.models import Answer, AnswerRevision, Questionnaire, Response

    with throwaway_database():
        call_command("load_states", verbosity=0)
        call_command("load_questionnaire", verbosity=0)
        questionnaire = Questionnaire.objects.get(code="omnibus-2026")
        country = Country.objects.filter(participations__treaty="FA", participations__status="party").first()
        TreatyParticipation.objects.filter(country=country).update(status="party")
        user = User.objects.create_user(
            "bench@example.org",
            "bench-passphrase-1",
            full_name="Bench",
            role=Role.FOCAL_POINT,
            country=country,
        )
        response = Response.objects.create(questionnaire=questionnaire, country=country, status="in_progress")
        now = timezone.now()
        answers = []
        for question in questionnaire.questions.all():
            value = {
                "compliance": "partial",
                "long_text": "Lorem ipsum " * 40,
                "legislation": [
                    {
                        "title": "Act 12",
                        "article": "5",
                        "url": "https://example.org/act",
                        "in_force_on": "2019-01-01",
                    }
                ],
                "assistance": {
                    "challenges": ["capacity"],
                    "challenges_other": "",
                    "would_help": "yes",
                    "kinds": ["training"],
                    "details": "Training",
                    "receiving": "no",
                    "received_from": "",
                },
            }.get(question.kind, "")
            answers.append(
                Answer(
                    response=response,
                    question=question,
                    value=value,
                    version=1,
                    updated_at=now,
                    updated_by=user,
                )
            )
        Answer.objects.bulk_create(answers)
        AnswerRevision.objects.bulk_create(
            AnswerRevision(answer=a, version=1, value=a.value, source="form", changed_at=now, changed_by=user)
            for a in answers
        )
        client = Client()
        client.force_login(user)
        biggest = max(questionnaire.sections.all(), key=lambda s: s.questions.count())
        url = f"/en/responses/{response.pk}/sections/{biggest.code}/"
        client.get(url)  # warm the per-process structure cache
        with count_queries() as page_queries:
            assert client.get(url).status_code == 200
        if PROFILE:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        page_samples = timed(lambda: client.get(url), page_repeat)

        question = questionnaire.questions.get(code="UNTOC-5-1-E")
        save_url = f"/en/responses/{response.pk}/answers/{question.code}/save/"
        state = {"version": 1, "n": 0}

        def save():
            state["n"] += 1
            reply = client.post(
                save_url,
                {
                    f"{question.code}-base_version": state["version"],
                    f"{question.code}-value": f"Text {state['n']}",
                },
            )
            state["version"] = reply.json()["version"]

        with count_queries() as save_queries:
            save()
        save_samples = timed(save, save_repeat)
        print(f"Machine: {machine()}")
        print(
            f"Questionnaire: {questionnaire.questions.count()} questions, all answered; section {biggest.code} has {biggest.questions.count()} questions"
        )
        print(summary("GET section page", page_samples, page_queries["n"]))
        print(summary("POST automatic save", save_samples, save_queries["n"]))


if __name__ == "__main__":
    main()
