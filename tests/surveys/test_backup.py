"""Backing up a cycle and restoring it into an empty database: every row and every file comes back the same."""

import hashlib
import io
import json
import tarfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from assistance.models import Activity, Need, Offer
from portal.models import AuditEvent, Country, Role, User
from surveys.models import Answer, AnswerRevision, Attachment, Comment, Questionnaire, Response
from surveys.services.backup import BackupError, RestoreConflict, cycle_dump, cycle_restore
from surveys.structure import clear_cache
from tests.access.cycle import build_cycle
from tests.assistance.factories import ActivityFactory, NeedFactory, OfferFactory
from tests.factories import CountryFactory, UserFactory
from tests.surveys.factories import ResponseFactory, published_questionnaire

# A restore commits its own transaction and the test empties the database in between: it needs real
# transactions, not the usual rollback of each test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    """Files of these tests live apart from other test runs' (which may empty theirs at any time)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def cycle():
    own, other = CountryFactory(iso2="AA", name="Alphaland"), CountryFactory(iso2="BB", name="Betaland")
    reviewer = UserFactory(reviewer=True, email="reviewer@secretariat.example")
    group = Group.objects.create(name="Editors")
    group.permissions.add(Permission.objects.get(codename="view_questionnaire"))
    reviewer.groups.add(group)
    people = {
        key: (
            UserFactory(
                role=Role.FOCAL_POINT, country=country, email=f"focal@{country.iso2.lower()}.example"
            ),
            UserFactory(
                role=Role.CONTRIBUTOR, country=country, email=f"expert@{country.iso2.lower()}.example"
            ),
        )
        for key, country in (("own", own), ("other", other))
    }
    built = build_cycle(states=people, reviewer=reviewer)
    donor = UserFactory(provider_user=True, email="donor@fund.example")
    activity = ActivityFactory(provider=donor.provider, country=own)
    need = NeedFactory(
        country=own,
        questionnaire=built.questionnaire,
        provision=built.question.provision,
        status=Need.Status.MATCHED,
        shared_at=timezone.now(),
        activity=activity,
    )
    OfferFactory(need=need, provider=donor.provider, created_by=donor, activity=activity)
    # Another cycle, which the archive must leave out.
    unrelated = published_questionnaire(questions=1)
    ResponseFactory(questionnaire=unrelated, country=CountryFactory(iso2="CC"))
    NeedFactory(country=own, questionnaire=unrelated)
    return built


def _rows(model, pks):
    """The rows as the database holds them: every column's raw value (times to the microsecond) and what
    each many-to-many relation points to (permissions by name: an emptied database numbers them anew)."""
    queryset = model._base_manager.filter(pk__in=pks).order_by("pk")
    rows = []
    for obj, values in zip(queryset, queryset.values(), strict=True):
        for f in model._meta.many_to_many:
            related = getattr(obj, f.name).all()
            keys = [r.natural_key() if hasattr(r, "natural_key") else r.pk for r in related]
            values[f.name] = sorted(keys, key=str)
        rows.append({"pk": values["id"], "fields": values})
    return rows


def _archive_rows(path):
    """Model label -> primary keys, as written in the archive."""
    found = {}
    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        for name in manifest["tables"]:
            for record in json.loads(tar.extractfile(name).read()):
                found.setdefault(record["model"], []).append(record["pk"])
    return manifest, found


def _snapshot(archive_rows):
    from django.apps import apps

    return {label: _rows(apps.get_model(label), pks) for label, pks in archive_rows.items()}


def _differences(before, after) -> list[str]:
    """Rows or fields that differ, named, for a readable failure."""
    found = []
    for label in sorted(set(before) | set(after)):
        old = {r["pk"]: r["fields"] for r in before.get(label, [])}
        new = {r["pk"]: r["fields"] for r in after.get(label, [])}
        for pk in sorted(set(old) | set(new), key=str):
            if pk not in new or pk not in old:
                found.append(f"{label} {pk}: {'missing' if pk not in new else 'extra'}")
                continue
            for name in sorted(set(old[pk]) | set(new[pk])):
                if old[pk].get(name) != new[pk].get(name):
                    found.append(f"{label} {pk}.{name}: {old[pk].get(name)!r} became {new[pk].get(name)!r}")
    return found


def _empty_the_database():
    files = [a.file.name for a in Attachment.objects.all()]
    call_command("flush", interactive=False, verbosity=0)
    for name in files:
        default_storage.delete(name)
    clear_cache()


def test_a_dumped_cycle_restores_identically_into_an_empty_database(cycle, tmp_path):
    path = tmp_path / "cycle.tar.gz"
    dumped = cycle_dump(code=cycle.questionnaire.code, out=path)
    manifest, archived = _archive_rows(path)

    # The whole cycle is in it, and nothing of the other cycle.
    q = cycle.questionnaire
    assert sorted(archived["surveys.response"]) == sorted(
        Response.objects.filter(questionnaire=q).values_list("pk", flat=True)
    )
    assert len(archived["surveys.answer"]) == Answer.objects.filter(response__questionnaire=q).count() > 0
    assert (
        len(archived["surveys.answerrevision"])
        == AnswerRevision.objects.filter(answer__response__questionnaire=q).count()
        >= 4
    )
    assert len(archived["surveys.comment"]) == Comment.objects.filter(response__questionnaire=q).count() == 4
    assert len(archived["surveys.attachment"]) == 2
    assert sorted(archived["assistance.need"]) == list(
        Need.objects.filter(questionnaire=q).values_list("pk", flat=True)
    )
    assert len(archived["assistance.offer"]) == 1 and len(archived["assistance.activity"]) == 1
    assert "CC" not in {Country.objects.get(pk=pk).iso2 for pk in archived["portal.country"]}
    # Everyone the cycle names: the States' people, the reviewer, the donor who made the offer.
    assert set(archived["portal.user"]) == set(User.objects.values_list("pk", flat=True))
    assert dumped.files == manifest["files"]
    before = _snapshot(archived)

    _empty_the_database()
    assert not Questionnaire.objects.exists() and not User.objects.exists()
    assert not any(default_storage.exists(name) for name in manifest["files"])

    restored = cycle_restore(source=path)
    assert _differences(before, _snapshot(archived)) == []  # every row, every field, the same keys
    assert sum(restored.counts.values()) == sum(len(pks) for pks in archived.values())
    for name, digest in manifest["files"].items():
        with default_storage.open(name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == digest
    # The people can sign in again with their passwords, and groups and permissions are back.
    reviewer = User.objects.get(email="reviewer@secretariat.example")
    assert reviewer.check_password("correct horse battery staple")
    assert reviewer.has_perm("surveys.view_questionnaire")
    assert AuditEvent.objects.filter(action="cycle.restored").count() == 1
    # New rows get fresh keys after the restored ones (sequences moved on).
    assert UserFactory().pk > max(archived["portal.user"])

    # Restoring the same archive again finds everything there, identical: nothing to do.
    again = cycle_restore(source=path)
    assert again.counts == {} and again.skipped == sum(len(pks) for pks in archived.values())
    assert _differences(before, _snapshot(archived)) == []


def test_restoring_over_different_data_is_refused_and_changes_nothing(cycle, tmp_path):
    path = tmp_path / "cycle.tar.gz"
    cycle_dump(code=cycle.questionnaire.code, out=path)
    _manifest, archived = _archive_rows(path)
    answer = Answer.objects.filter(response__questionnaire=cycle.questionnaire).first()
    answer.value = "no"
    answer.save()
    # Partly emptied: the rows that are gone would be written, the changed answer clashes.
    Comment.objects.all().delete()
    comments_before = Comment.objects.count()
    events_before = AuditEvent.objects.count()

    with pytest.raises(RestoreConflict) as refused:
        cycle_restore(source=path)
    message = str(refused.value)
    assert f"surveys.Answer {answer.pk}" in message and "other content" in message
    assert "nothing was restored" in message
    assert Comment.objects.count() == comments_before == 0
    assert AuditEvent.objects.count() == events_before
    answer.refresh_from_db()
    assert answer.value == "no"
    assert len(archived["surveys.comment"]) == 4


def test_an_email_or_file_already_used_by_other_rows_is_a_conflict(cycle, tmp_path):
    path = tmp_path / "cycle.tar.gz"
    cycle_dump(code=cycle.questionnaire.code, out=path)
    manifest, _archived = _archive_rows(path)
    _empty_the_database()
    UserFactory(email="reviewer@secretariat.example")  # another account under the same address
    a_file = next(iter(manifest["files"]))
    default_storage.save(a_file, io.BytesIO(b"something else"))
    try:
        with pytest.raises(RestoreConflict) as refused:
            cycle_restore(source=path)
        assert "email 'reviewer@secretariat.example' is already used by another row" in str(refused.value)
        assert f"file {a_file} exists with other content" in str(refused.value)
        assert not Questionnaire.objects.exists()
        assert User.objects.count() == 1
    finally:
        default_storage.delete(a_file)


def test_a_damaged_archive_is_refused(cycle, tmp_path):
    path = tmp_path / "cycle.tar.gz"
    cycle_dump(code=cycle.questionnaire.code, out=path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(path) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("files/"):
                content += b"tampered"
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    _empty_the_database()
    with pytest.raises(BackupError, match="does not match its checksum"):
        cycle_restore(source=damaged)
    assert not Questionnaire.objects.exists()


def test_the_commands_dump_and_restore(cycle, tmp_path, capsys):
    path = tmp_path / "omnibus.tar.gz"
    call_command("cycle_dump", cycle.questionnaire.code, str(path))
    assert "files of the cycle" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No questionnaire has the code"):
        call_command("cycle_dump", "no-such-cycle", str(tmp_path / "x.tar.gz"))
    Comment.objects.update(body="changed")
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("cycle_restore", str(path))
    _empty_the_database()
    call_command("cycle_restore", str(path))
    assert "Restored the cycle" in capsys.readouterr().out
    assert Comment.objects.filter(body="changed").count() == 0
    assert Comment.objects.count() == 4
    assert Offer.objects.count() == 1 and Activity.objects.count() == 1
