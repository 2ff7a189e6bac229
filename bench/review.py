"""Server time of the Secretariat's analysis page, its drill-down and the exports, for a full cycle:
200 States, each with a submitted response answering every question of the shipped questionnaire.

    .venv/bin/python bench/review.py                       # embedded SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/omnibus .venv/bin/python bench/review.py

Prints median and 95th percentile (ms) and the queries each request costs.
"""

import random

from common import count_queries, machine, setup_django, summary, throwaway_database, timed

setup_django()
PROFILE = "--profile" in __import__("sys").argv

STATES = 200
# Yes / Yes, in part / No, by obligation level: mandatory provisions are more often implemented.
DISTRIBUTION = {
    "mandatory": (0.62, 0.25, 0.13),
    "consider": (0.40, 0.33, 0.27),
    "optional": (0.30, 0.30, 0.40),
}
REPLIED = ("submitted", "under_review", "returned", "resubmitted", "accepted")


def _other_value(kind, rng):
    return {
        "long_text": "Our legislation provides for this in several acts. " * rng.randint(1, 8),
        "legislation": [
            {
                "title": "Penal Code",
                "article": str(rng.randint(1, 400)),
                "url": "https://example.org/code",
                "in_force_on": "2015-03-01",
            }
        ],
        "assistance": {
            "challenges": ["capacity"],
            "challenges_other": "",
            "would_help": rng.choice(["yes", "no"]),
            "kinds": ["training"],
            "details": "Training of prosecutors",
            "receiving": "no",
            "received_from": "",
        },
    }.get(kind, "")


def seed(questionnaire, rng):
    from django.db import connection
    from django.utils import timezone

    from portal.models import Country, RegionalGroup, Role, TreatyParticipation, User
    from surveys.models import Answer, Instrument, Response

    countries = list(Country.objects.order_by("iso2"))
    groups = list(RegionalGroup.values)
    taken = {c.iso2 for c in countries}
    free = (f"Z{chr(65 + i)}" for i in range(26) if f"Z{chr(65 + i)}" not in taken)
    for n in range(STATES - len(countries)):
        iso2 = next(free)
        countries.append(
            Country.objects.create(
                iso2=iso2, iso3=f"ZZ{iso2[1]}", name=f"Benchland {n}", regional_group=groups[n % 5]
            )
        )
    party = set(TreatyParticipation.objects.filter(status="party").values_list("country_id", "treaty"))
    instruments = list(Instrument.objects.all())
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(questionnaire=questionnaire, country=c, status=rng.choice(REPLIED), submitted_at=now)
        for c in countries
    )
    # Every answer counts: a State not party to an instrument answers it because it opted in.
    Through = Response.extra_instruments.through
    Through.objects.bulk_create(
        Through(response_id=r.pk, instrument_id=i.pk)
        for r in responses
        for i in instruments
        if (r.country_id, i.code) not in party
    )
    questions = list(questionnaire.questions.select_related("provision"))
    answers = []
    for response in responses:
        lean = rng.uniform(-0.1, 0.1)  # some States implement more than others
        for question in questions:
            if question.kind == "compliance":
                yes, partial, _no = DISTRIBUTION[question.provision.obligation]
                draw = rng.random()
                value = "yes" if draw < yes + lean else "partial" if draw < yes + lean + partial else "no"
            else:
                value = _other_value(question.kind, rng)
            answers.append(
                Answer(response=response, question=question, value=value, language="en", updated_at=now)
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    if connection.vendor == "postgresql":
        # As autovacuum would after such a load: without statistics the planner expects empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return User.objects.create_user(
        "reviewer@bench.example", "bench-passphrase-1", full_name="Bench", role=Role.REVIEWER
    ), len(answers)


def main(page_repeat=30, export_repeat=3, xlsx_repeat=1):
    import shutil
    import tempfile

    from django.conf import settings

    # The XLSX the worker writes goes to a scratch directory removed afterwards, like the database.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="omnibus-bench-review-")
    try:
        _run(page_repeat, export_repeat, xlsx_repeat)
    finally:
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def _run(page_repeat, export_repeat, xlsx_repeat):
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from surveys.models import Questionnaire

    with throwaway_database():
        call_command("load_states", verbosity=0)
        call_command("load_questionnaire", verbosity=0)
        questionnaire = Questionnaire.objects.get(code="omnibus-2026")
        user, answer_count = seed(questionnaire, random.Random(2026))
        client = Client()
        client.force_login(user)
        from tests.access.otp import mark_verified

        mark_verified(client, user)  # Secretariat pages answer once the second step is done
        code = questionnaire.code
        page = reverse("surveys:analysis", kwargs={"code": code})
        filtered = f"{page}?instrument=UNTOC&regional_group=african"
        queue = reverse("surveys:review_queue", kwargs={"code": code})
        states = reverse("surveys:analysis_states", kwargs={"code": code}) + "?provision=UNTOC-5-1&answer=yes"
        export_csv = reverse("surveys:responses_export_csv", kwargs={"code": code}) + "?language=fr"
        export_xlsx = reverse("surveys:responses_export_xlsx", kwargs={"code": code})

        def get(url):
            reply = client.get(url)
            assert reply.status_code == 200, (url, reply.status_code)
            if reply.streaming:
                return sum(len(chunk) for chunk in reply.streaming_content)
            return len(reply.content)

        get(page)  # warm the per-process structure cache
        if PROFILE:
            import cProfile
            import pstats

            for url in (page, export_csv):
                profiler = cProfile.Profile()
                profiler.enable()
                get(url)
                profiler.disable()
                print("PROFILE", url)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
            return
        results = []
        for label, url, repeat in (
            ("GET review queue (all States)", queue, page_repeat),
            ("GET analysis page (all instruments)", page, page_repeat),
            ("GET analysis page (UNTOC, African States)", filtered, page_repeat),
            ("GET drill-down (States behind a bar)", states, page_repeat),
            ("GET responses CSV export (fr, streamed)", export_csv, export_repeat),
        ):
            with count_queries() as queries:
                size = get(url)
            results.append((summary(label, timed(lambda url=url: get(url), repeat), queries["n"]), size))
        # The XLSX export is written by the task worker: the request only queues a job (no worker runs
        # here, so the job stays queued and asking again finds it), then the worker's build is timed.
        from django.test import override_settings

        from surveys import exports
        from surveys.models import ExportJob

        PRODUCTION_TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "reports"]}
        }

        def ask():
            reply = client.post(export_xlsx, {"language": "fr"})
            assert reply.status_code == 302, reply.status_code
            return len(reply.content)

        # The production queue (django_tasks_db), not the test settings' immediate backend: the request
        # stores the task for a worker and returns.
        with override_settings(TASKS=PRODUCTION_TASKS):
            with count_queries() as queries:
                size = ask()
            results.append(
                (summary("POST ask for the XLSX export (fr)", timed(ask, page_repeat), queries["n"]), size)
            )
        job = ExportJob.objects.get()

        def build():
            ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.QUEUED, file="")
            exports.export_build(job_id=job.pk)

        with count_queries() as queries:
            build()
        job.refresh_from_db()
        results.append(
            (summary("worker writes the XLSX export (fr)", timed(build, xlsx_repeat), queries["n"]), job.size)
        )
        print(f"Machine: {machine()}")
        print(
            f"Cycle: {STATES} States, {questionnaire.questions.count()} questions each, {answer_count} answers"
        )
        for line, size in results:
            print(f"{line}  {size / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
