"""Backing up one reporting cycle (a questionnaire version and everything answered to it) and restoring it.

The archive is a gzipped tar file:

    manifest.json                 format, questionnaire code, when, the migrations the data was written
                                  with, the row count of each table and the SHA-256 of each file
    data/NN-<app.model>.json      the rows, written with Django's JSON serializer (primary keys kept so that
                                  a restore is identical; users and permissions referred to by natural key)
    files/<storage name>          the files attached to answers, under their storage name

What is in it: the shared reference tables the questionnaire points to (instruments, articles, provisions,
cross-references, code lists), the questionnaire with its sections, questions, choices and conditions; the
responses, answers, answer history, attachments (with their files) and comments; the States, treaty
status, users, groups and assistance providers these refer to; the audit events about any of them; and,
when the assistance app is there, the needs of the cycle with their offers and activities.

A restore writes everything in one transaction. A row already present with the same primary key and the
same content is left alone (reference data loaded the same way, a State already there); any other clash
(same key, different content; an e-mail address or code already used by another row; a file with other
content) refuses the whole restore with the list of clashes, and nothing is written.
"""

import datetime
import hashlib
import io
import json
import tarfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.timezone import is_aware

from portal.audit import audit_record
from portal.models import AuditEvent, Country, TreatyParticipation, User

from ..models import (
    Answer,
    AnswerRevision,
    Article,
    AssistanceKind,
    Attachment,
    ChallengeKind,
    Choice,
    Comment,
    Condition,
    CrossReference,
    Instrument,
    Provision,
    Question,
    Questionnaire,
    Response,
    Section,
)

FORMAT = "omnibus-cycle/1"
APPS = ("auth", "portal", "surveys", "assistance")


class BackupError(Exception):
    """The archive cannot be written or read as asked; the message says why, for the person at the console."""


class RestoreConflict(BackupError):
    """The database already holds different data under the archive's keys: nothing was restored."""

    def __init__(self, conflicts: list[str]):
        self.conflicts = conflicts
        shown = "\n  ".join(conflicts[:20])
        more = f"\n  … and {len(conflicts) - 20} more" if len(conflicts) > 20 else ""
        super().__init__(
            f"The database already holds other data under {len(conflicts)} of the archive's keys; "
            f"nothing was restored. Restore into an empty database, or remove these first:\n  {shown}{more}"
        )


@dataclass
class CycleArchive:
    """What a dump wrote or a restore read: row counts per table and files."""

    questionnaire_code: str
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # storage name -> sha256
    skipped: int = 0  # rows a restore found already present, identical


# --- Collecting a cycle ---------------------------------------------------------------------------------------


def _assistance_models():
    if not apps.is_installed("assistance"):
        return None
    from assistance.models import Activity, Need, Offer, Provider

    return Need, Offer, Activity, Provider


def _cycle_rows(questionnaire: Questionnaire) -> tuple[list[tuple[type[models.Model], list]], list[str]]:
    """Every row of the cycle, in an order in which each row only refers to rows before it; and the codes
    of earlier questionnaires it refers to (its previous version), which are not in it."""
    q = questionnaire
    responses = list(Response.objects.filter(questionnaire=q).prefetch_related("extra_instruments"))
    answers = list(Answer.objects.filter(response__questionnaire=q))
    revisions = list(AnswerRevision.objects.filter(answer__response__questionnaire=q))
    attachments = list(Attachment.objects.filter(answer__response__questionnaire=q))
    comments = list(Comment.objects.filter(response__questionnaire=q))
    questions = list(Question.objects.filter(questionnaire=q))
    conditions = list(
        Condition.objects.filter(models.Q(question__questionnaire=q) | models.Q(section__questionnaire=q))
    )
    cycle = [
        (Section, list(Section.objects.filter(questionnaire=q))),
        (Question, questions),
        (Choice, list(Choice.objects.filter(question__questionnaire=q))),
        (Condition, conditions),
        (Response, responses),
        (Answer, answers),
        (AnswerRevision, revisions),
        (Attachment, attachments),
        (Comment, comments),
    ]
    outside = sorted(
        {
            str(x.continues.questionnaire.code)
            for x in questions
            if x.continues_id and x.continues.questionnaire_id != q.pk
        }
        | ({q.previous.code} if q.previous_id else set())
    )
    assistance = []
    found = _assistance_models()
    if found:
        Need, Offer, Activity, _provider = found
        needs = list(Need.objects.filter(questionnaire=q))
        offers = list(Offer.objects.filter(need__in=needs))
        activity_ids = {n.activity_id for n in needs if n.activity_id} | {
            o.activity_id for o in offers if o.activity_id
        }
        assistance = [
            (Activity, list(Activity.objects.filter(pk__in=activity_ids))),
            (Need, needs),
            (Offer, offers),
        ]

    # People, States and providers the cycle refers to, then those these refer to.
    dumped = [(Questionnaire, [q]), *cycle, *assistance]
    user_ids, country_ids, provider_ids = set(), set(), set()
    audit = list(_audit_events(dumped))
    for model, rows in [*dumped, (AuditEvent, audit)]:
        for row in rows:
            for f in model._meta.concrete_fields:
                if not f.is_relation or getattr(row, f.attname) is None:
                    continue
                target = f.related_model
                if target is User:
                    user_ids.add(getattr(row, f.attname))
                elif target is Country:
                    country_ids.add(getattr(row, f.attname))
                elif found and target is found[3]:
                    provider_ids.add(getattr(row, f.attname))
    users = list(User.objects.filter(pk__in=user_ids).prefetch_related("groups", "user_permissions"))
    country_ids |= {u.country_id for u in users if u.country_id}
    provider_ids |= {u.provider_id for u in users if u.provider_id}
    people = []
    if found:
        providers = list(found[3].objects.filter(pk__in=provider_ids))
        country_ids |= {p.country_id for p in providers if p.country_id}
        people.append((found[3], providers))
    countries = list(Country.objects.filter(pk__in=country_ids))
    groups = list(Group.objects.filter(user__in=users).distinct().prefetch_related("permissions"))

    instruments = sorted(Instrument.objects.all(), key=lambda i: (i.supplements_id is not None, i.pk))
    reference = [
        (Instrument, instruments),
        (Article, list(Article.objects.all())),
        (Provision, list(Provision.objects.all())),
        (CrossReference, list(CrossReference.objects.all())),
        (AssistanceKind, list(AssistanceKind.objects.all())),
        (ChallengeKind, list(ChallengeKind.objects.all())),
    ]
    ordered = [
        (Country, countries),
        (TreatyParticipation, list(TreatyParticipation.objects.filter(country__in=countries))),
        *people,  # providers refer to a State; users to a provider
        (Group, groups),
        (User, users),
        *reference,
        (Questionnaire, [q]),
        *cycle,
        *assistance,
        (AuditEvent, audit),
    ]
    return ordered, outside


def _audit_events(dumped):
    """Audit events about any row of the cycle."""
    keys = models.Q(pk__in=[])
    for model, rows in dumped:
        if rows:
            keys |= models.Q(object_type=model._meta.label_lower, object_id__in=[str(r.pk) for r in rows])
    return AuditEvent.objects.filter(keys).order_by("pk")


def _applied_migrations() -> dict[str, list[str]]:
    applied = defaultdict(list)
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in APPS:
            applied[app].append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, except that times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            if is_aware(o) and isinstance(o, datetime.datetime):
                o = o.astimezone(datetime.UTC)
            return o.isoformat()
        return super().default(o)


def serialize_rows(rows) -> list[dict]:
    """Rows as the archive holds them: Django's JSON with natural foreign keys and exact times."""
    return json.loads(
        serializers.serialize("json", rows, use_natural_foreign_keys=True, cls=ExactJSONEncoder)
    )


def _serialize(model, rows) -> list[dict]:
    return serialize_rows(rows)


# --- Dump --------------------------------------------------------------------------------------------------------


def cycle_dump(*, code: str, out, by: User | None = None) -> CycleArchive:
    """Write the cycle of questionnaire `code` to `out` (a path or a binary file object) as a .tar.gz."""
    questionnaire = Questionnaire.objects.filter(code=code).first()
    if questionnaire is None:
        raise BackupError(f"No questionnaire has the code {code!r}.")
    result = CycleArchive(questionnaire_code=code)
    with transaction.atomic():  # one consistent snapshot (repeatable within the transaction on PostgreSQL)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        ordered, outside = _cycle_rows(questionnaire)
        data_files = []
        for position, (model, rows) in enumerate(ordered):
            records = _serialize(model, rows)
            result.counts[model._meta.label] = len(records)
            data_files.append((f"data/{position:02d}-{model._meta.label_lower}.json", records))
        attachments = next(rows for model, rows in ordered if model is Attachment)
        blobs = {}
        for attachment in attachments:
            with attachment.file.open("rb") as handle:
                content = handle.read()
            digest = hashlib.sha256(content).hexdigest()
            if attachment.sha256 and digest != attachment.sha256:
                raise BackupError(
                    f"The stored file {attachment.file.name} no longer matches its checksum; not dumped."
                )
            blobs[attachment.file.name] = content
            result.files[attachment.file.name] = digest
        manifest = {
            "format": FORMAT,
            "questionnaire": code,
            "created_at": timezone.now().isoformat(),
            "requires_questionnaires": outside,
            "migrations": _applied_migrations(),
            "tables": [name for name, _records in data_files],
            "counts": result.counts,
            "files": result.files,
        }
    _write_archive(out, manifest, data_files, blobs)
    audit_record(
        actor=by,
        action="cycle.dumped",
        summary=f"Backed up the cycle {code}",
        target=questionnaire,
        data={"counts": result.counts, "files": len(result.files)},
    )
    return result


def _add(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


def _write_archive(out, manifest, data_files, blobs) -> None:
    kwargs = {"fileobj": out} if hasattr(out, "write") else {"name": str(out)}
    with tarfile.open(mode="w:gz", **kwargs) as tar:
        _add(tar, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
        for name, records in data_files:
            _add(tar, name, json.dumps(records, indent=1, ensure_ascii=False).encode())
        for name, content in sorted(blobs.items()):
            _add(tar, f"files/{name}", content)


# --- Restore -----------------------------------------------------------------------------------------------------


def _read_archive(source):
    kwargs = {"fileobj": source} if hasattr(source, "read") else {"name": str(source)}
    try:
        with tarfile.open(mode="r:gz", **kwargs) as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            if "manifest.json" not in members:
                raise BackupError("This is not a cycle archive: it has no manifest.json.")
            manifest = json.loads(tar.extractfile(members["manifest.json"]).read())
            if manifest.get("format") != FORMAT:
                raise BackupError(f"Unknown archive format {manifest.get('format')!r}; expected {FORMAT}.")
            tables = [
                (name, json.loads(tar.extractfile(members[name]).read())) for name in manifest["tables"]
            ]
            blobs = {}
            for name, digest in manifest["files"].items():
                path = PurePosixPath(name)
                if path.is_absolute() or ".." in path.parts:
                    raise BackupError(f"Refusing a file name outside the media folder: {name}")
                member = members.get(f"files/{name}")
                if member is None:
                    raise BackupError(f"The archive lacks the file {name}.")
                content = tar.extractfile(member).read()
                if hashlib.sha256(content).hexdigest() != digest:
                    raise BackupError(f"The file {name} in the archive does not match its checksum.")
                blobs[name] = content
    except (tarfile.TarError, OSError, KeyError, ValueError) as exc:
        raise BackupError(f"The archive cannot be read: {exc}") from exc
    return manifest, tables, blobs


def _check_schema(manifest) -> None:
    here = _applied_migrations()
    missing = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if name not in here.get(app, [])
    ]
    if missing:
        raise BackupError(
            "The archive was written by a newer version of the portal; apply its migrations first "
            f"(missing here: {', '.join(missing[:10])})."
        )


def _conflicts(tables, blobs, manifest) -> tuple[list[str], set[tuple[str, object]]]:
    """Clashes between the archive and the database, and the rows already present, identical."""
    conflicts, identical = [], set()
    for code in manifest.get("requires_questionnaires", []):
        if not Questionnaire.objects.filter(code=code).exists():
            conflicts.append(
                f"the cycle continues questionnaire {code}, which is not in this database: restore it first"
            )
    for _name, records in tables:
        for record in records:
            model = apps.get_model(record["model"])
            existing = model._base_manager.filter(pk=record["pk"]).first()
            label = f"{model._meta.label} {record['pk']}"
            if existing is not None:
                if _serialize(model, [existing])[0]["fields"] == record["fields"]:
                    identical.add((record["model"], record["pk"]))
                else:
                    conflicts.append(f"{label} ({existing}) exists with other content")
                continue
            for f in model._meta.concrete_fields:
                if f.unique and not f.primary_key and f.name in record["fields"]:
                    value = record["fields"][f.name]
                    if value not in (None, "") and model._base_manager.filter(**{f.name: value}).exists():
                        conflicts.append(f"{label}: {f.name} {value!r} is already used by another row")
    for name, content in blobs.items():
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != hashlib.sha256(content).hexdigest():
                    conflicts.append(f"file {name} exists with other content")
    return conflicts, identical


def _reset_sequences(model_classes) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_classes)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def cycle_restore(*, source, by: User | None = None) -> CycleArchive:
    """Restore a cycle archive (a path or a binary file object) written by `cycle_dump`.

    Raises `RestoreConflict` (nothing written) when the database holds different data under the archive's
    keys, `BackupError` when the archive is damaged or newer than this database.
    """
    manifest, tables, blobs = _read_archive(source)
    _check_schema(manifest)
    result = CycleArchive(questionnaire_code=manifest["questionnaire"], files=dict(manifest["files"]))
    written_files = []
    try:
        with transaction.atomic():
            conflicts, identical = _conflicts(tables, blobs, manifest)
            if conflicts:
                raise RestoreConflict(conflicts)
            touched = set()
            for _name, records in tables:
                fresh = [r for r in records if (r["model"], r["pk"]) not in identical]
                result.skipped += len(records) - len(fresh)
                if not fresh:
                    continue
                for obj in serializers.deserialize(
                    "json", json.dumps(fresh), handle_forward_references=False
                ):
                    obj.save()
                    touched.add(type(obj.object))
                    result.counts[obj.object._meta.label] = result.counts.get(obj.object._meta.label, 0) + 1
            _reset_sequences(list(touched))
            for name, content in sorted(blobs.items()):
                if default_storage.exists(name):
                    continue  # same content, checked above
                stored = default_storage.save(name, ContentFile(content))
                written_files.append(stored)
                if stored != name:
                    raise BackupError(f"The file {name} could not be stored under its own name.")
            questionnaire = Questionnaire.objects.get(code=manifest["questionnaire"])
            audit_record(
                actor=by,
                action="cycle.restored",
                summary=f"Restored the cycle {questionnaire.code} from a backup",
                target=questionnaire,
                data={"counts": result.counts, "skipped": result.skipped, "files": len(blobs)},
            )
    except (DatabaseError, ValidationError, serializers.base.DeserializationError) as exc:
        _remove(written_files)
        raise RestoreConflict([f"the database refused a row: {exc}".strip()]) from exc
    except BaseException:
        _remove(written_files)
        raise
    return result


def _remove(names) -> None:
    for name in names:
        default_storage.delete(name)
