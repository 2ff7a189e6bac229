"""The offline round trip: a State's answers to an XLSX workbook (one sheet per instrument, in one
language), filled in offline, uploaded back, previewed and applied.

The workbook carries, for every question, the version of the answer and the text exported, in hidden
columns, and a hidden `_meta` sheet signed with the site's key. An upload is compared with what was
exported: only the answers the person changed count, each is read and checked like a form entry and
classified against the answer online now (new, update, or conflict when someone changed it online
meanwhile). A file from another State or version, a tampered file, a file whose rows were changed, or
one with any unreadable answer is refused as a whole, each problem naming its sheet, row and column;
nothing is written before the person applies the preview, and then everything or nothing is.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.audit import audit_record
from portal.models import Country, User

from .. import permissions
from ..models import Answer, AnswerRevision, AssistanceKind, ChallengeKind, Question, Response
from ..selectors import response_scope
from ..structure import Structure, structure_for
from ..values import value_errors, visible_question_ids
from .answers import AnswerConflict, answer_save
from .authoring import TRANSLATED_SUFFIXES

Kind = Question.Kind

FORMAT = "omnibus-offline-1"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
META_KEYS = (
    "format",
    "response",
    "country",
    "questionnaire",
    "language",
    "instruments",
    "exported_at",
    "structure",
    "answers",
    "read_only",
    "columns",
)
SIGNING_SALT = "surveys.offline"
# Column positions (1-based): code | question | kind | allowed answers | answer | version | exported answer
CODE, QUESTION, KIND, ALLOWED, ANSWER, VERSION, EXPORTED = range(1, 8)
COLUMN_COUNT = 7
# Text that a spreadsheet program would run as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel keeps at most this many characters in a cell; longer answers are changed online only.
CELL_LIMIT = 32_767
YES_NO = ("yes", "no")
ASSISTANCE_FIELDS = (
    "challenges",
    "challenges_other",
    "would_help",
    "kinds",
    "details",
    "receiving",
    "received_from",
)
LEGISLATION_FIELDS = ("title", "article", "url", "in_force_on")
TEXT_KINDS = (Kind.LONG_TEXT, Kind.LEGISLATION, Kind.ASSISTANCE)


# --- Problems and refusals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfflineProblem:
    """One reason to refuse an upload, with its place in the workbook where it has one."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self):
        place = {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
        if self.sheet and self.row and self.column:
            return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s") % place
        if self.sheet and self.row:
            return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % place
        if self.sheet:
            return _("Sheet “%(sheet)s”: %(message)s") % place
        return self.message


class OfflineRefused(ValidationError):
    """The upload was refused as a whole; `problems` lists every reason found. Nothing was saved."""

    def __init__(self, problems: list[OfflineProblem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


class OfflineUnresolved(ValidationError):
    """The changes cannot be applied as previewed: a conflict has no choice, or answers changed online
    since the preview. `preview` is the fresh comparison to show again."""

    def __init__(self, message: str, preview: "OfflinePreview"):
        self.preview = preview
        super().__init__(message)


# --- Text in cells ------------------------------------------------------------------------------------------


def _needs_guard(text: str) -> bool:
    # A text already starting with the guard is guarded again when what follows would need it, so that
    # stripping one quote on import always gives the original back.
    if text.startswith("'"):
        return _needs_guard(text[1:])
    return text.startswith(FORMULA_STARTS)


def guard(text: str) -> str:
    """Cell text that no spreadsheet program runs as a formula: a leading quote when needed."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n"))
    return "'" + text if _needs_guard(text) else text


def unguard(text: str) -> str:
    """The text before `guard`."""
    if text.startswith("'") and _needs_guard(text[1:]):
        return text[1:]
    return text


def _cell_text(value) -> str:
    """What the person typed, as text, whatever type the spreadsheet program gave the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _same_text(a: str, b: str) -> bool:
    """Equal but for line endings and spaces at line ends, which spreadsheet programs may change."""

    def norm(text):
        lines = unguard(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.rstrip() for line in lines).strip()

    return norm(a) == norm(b)


# --- Labels in one language ---------------------------------------------------------------------------------


def _assistance_keys() -> dict[str, str]:
    """Field -> the line name written in the current language."""
    return {
        # Translators: line names of the technical assistance block in the offline spreadsheet.
        "challenges": _("Challenges"),
        "challenges_other": _("Other challenges"),
        "would_help": _("Would help"),
        "kinds": _("Kinds"),
        "details": _("Details"),
        "receiving": _("Receiving"),
        "received_from": _("From"),
    }


def _yes_no_labels() -> dict[str, str]:
    return {"yes": _("Yes"), "no": _("No")}


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _lookup(items, language: str) -> dict[str, str]:
    """Folded label or code -> code, for objects with `code`/`value` and translated `label_*` fields.
    The export language wins over codes, codes over English, English over the other languages."""
    suffix = language.replace("-", "_")
    order = [suffix, "", "en", *TRANSLATED_SUFFIXES]
    result: dict[str, str] = {}
    for key in order:
        for item in items:
            code = getattr(item, "value", None) or item.code
            text = code if key == "" else getattr(item, f"label_{key}", "")
            if text:
                result.setdefault(_fold(text), code)
    return result


@dataclass
class _Vocabulary:
    """Everything needed to write and read answers in one language."""

    language: str
    challenges: list[ChallengeKind]
    assistance_kinds: list[AssistanceKind]

    def __post_init__(self):
        with translation.override(self.language):
            self.keys = _assistance_keys()
            self.yes_no = _yes_no_labels()
            self.challenge_labels = {c.code: c.label for c in self.challenges}
            self.kind_labels = {k.code: k.label for k in self.assistance_kinds}
        self.challenge_codes = _lookup(self.challenges, self.language)
        self.kind_codes = _lookup(self.assistance_kinds, self.language)
        # Line names and yes/no in every language (and the English ones), so a file translated by hand
        # or mixed still reads.
        self.key_fields: dict[str, str] = {}
        self.yes_no_codes: dict[str, str] = {"yes": "yes", "no": "no"}
        for code, _name in [(self.language, ""), *settings.LANGUAGES, ("en", "")]:
            with translation.override(code):
                for name, label in _assistance_keys().items():
                    self.key_fields.setdefault(_fold(label), name)
                for value, label in _yes_no_labels().items():
                    self.yes_no_codes.setdefault(_fold(label), value)
        self._choices: dict[int, dict[str, str]] = {}

    def choice_codes(self, question: Question) -> dict[str, str]:
        if question.pk not in self._choices:
            self._choices[question.pk] = _lookup(list(question.choices.all()), self.language)
        return self._choices[question.pk]


def vocabulary_for(language: str) -> _Vocabulary:
    return _Vocabulary(
        language=language,
        challenges=list(ChallengeKind.objects.all()),
        assistance_kinds=list(AssistanceKind.objects.all()),
    )


# --- Values to text -----------------------------------------------------------------------------------------


def _choice_label(question: Question, value: str) -> str:
    for choice in question.choices.all():
        if choice.value == value:
            return choice.label
    return value


def answer_text(question: Question, value, vocabulary: _Vocabulary) -> str:
    """An answer as text in the vocabulary's language (call inside `translation.override`)."""
    if value is None:
        return ""
    kind = question.kind
    if kind in (Kind.COMPLIANCE, Kind.SINGLE_CHOICE):
        return _choice_label(question, value) if value else ""
    if kind == Kind.MULTIPLE_CHOICE:
        return "; ".join(_choice_label(question, v) for v in value or [])
    if kind == Kind.LEGISLATION:
        return "\n".join(
            " | ".join(str(row.get(name) or "") for name in LEGISLATION_FIELDS).rstrip()
            for row in value or []
        )
    if kind == Kind.ASSISTANCE:
        keys, yes_no = vocabulary.keys, vocabulary.yes_no
        challenges = [vocabulary.challenge_labels.get(c, c) for c in value.get("challenges") or []]
        kinds = [vocabulary.kind_labels.get(k, k) for k in value.get("kinds") or []]
        lines = [
            f"{keys['challenges']}: {'; '.join(challenges)}",
            f"{keys['challenges_other']}: {value.get('challenges_other') or ''}",
            f"{keys['would_help']}: {yes_no.get(value.get('would_help') or '', '')}",
            f"{keys['kinds']}: {'; '.join(kinds)}",
            f"{keys['details']}: {value.get('details') or ''}",
            f"{keys['receiving']}: {yes_no.get(value.get('receiving') or '', '')}",
            f"{keys['received_from']}: {value.get('received_from') or ''}",
        ]
        return "\n".join(line.rstrip() for line in lines)
    if kind == Kind.FILE:
        return "; ".join(str(f.get("name", "")) for f in value or [])
    return str(value)


def _allowed_text(question: Question, vocabulary: _Vocabulary) -> str:
    """What the answer cell accepts, in the current language."""
    kind = question.kind
    if question.has_choices:
        return "; ".join(c.label for c in question.choices.all())
    if kind == Kind.NUMBER:
        hint = _("A number, such as 1234.5")
        if question.min_value is not None:
            hint += "\n" + _("At least %(min)s") % {"min": question.min_value.normalize()}
        if question.max_value is not None:
            hint += "\n" + _("At most %(max)s") % {"max": question.max_value.normalize()}
        return hint
    if kind == Kind.DATE:
        return _("A date as YYYY-MM-DD")
    if kind == Kind.LEGISLATION:
        return _("One reference per line: title | articles | link | in force since (YYYY-MM-DD)")
    if kind == Kind.ASSISTANCE:
        keys, yes_no = vocabulary.keys, vocabulary.yes_no
        either = f"{yes_no['yes']} / {yes_no['no']}"
        return "\n".join(
            [
                _("Keep the line names; choose among the listed items:"),
                f"{keys['challenges']}: {'; '.join(vocabulary.challenge_labels.values())}",
                f"{keys['challenges_other']}: …",
                f"{keys['would_help']}: {either}",
                f"{keys['kinds']}: {'; '.join(vocabulary.kind_labels.values())}",
                f"{keys['details']}: …",
                f"{keys['receiving']}: {either}",
                f"{keys['received_from']}: …",
            ]
        )
    if kind == Kind.FILE:
        return _("Files are attached online only; this cell is not read.")
    return _("Free text")


# --- Text to values -----------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The text does not fit the question; the message is for the person."""


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def _read_number(text: str) -> str:
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise _Unreadable(_("“%(text)s” is not a number.") % {"text": text}) from None
    if not number.is_finite():
        raise _Unreadable(_("“%(text)s” is not a number.") % {"text": text})
    # The same limits as the form's number field.
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > 10 or len(number.as_tuple().digits) > 30:
        raise _Unreadable(_("The number has too many digits."))
    return format(number.normalize(), "f")


def _read_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or parse_date(text) is None:
        raise _Unreadable(_("Write the date as YYYY-MM-DD, for example 2024-03-31."))
    return text


def _read_reference(line: str) -> dict[str, str]:
    parts = [p.strip() for p in line.rsplit("|", 3)]
    row = dict.fromkeys(LEGISLATION_FIELDS, "")
    row["title"] = parts[0]
    if len(parts) == 4:
        row["article"], row["url"], row["in_force_on"] = parts[1:]
    else:
        # Fewer parts than the full form: recognize links and dates by their look.
        for part in filter(None, parts[1:]):
            if not row["url"] and re.match(r"(?i)^(https?://|www\.)", part):
                row["url"] = part
            elif not row["in_force_on"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", part):
                row["in_force_on"] = part
            elif not row["article"]:
                row["article"] = part
            else:
                raise _Unreadable(_("Write each reference as: title | articles | link | YYYY-MM-DD."))
    if row["url"] and not re.match(r"(?i)^https?://", row["url"]) and " " not in row["url"]:
        row["url"] = "https://" + row["url"]  # as the form does (assume_scheme)
    if row["in_force_on"]:
        row["in_force_on"] = _read_date(row["in_force_on"])
    if any(row.values()) and not row["title"]:
        raise _Unreadable(_("Give the title of the law or measure first on each line."))
    return row


def _read_yes_no(text: str, vocabulary: _Vocabulary) -> str:
    if not text.strip():
        return ""
    code = vocabulary.yes_no_codes.get(_fold(text))
    if code is None:
        raise _Unreadable(
            _("Answer %(yes)s or %(no)s.") % {"yes": vocabulary.yes_no["yes"], "no": vocabulary.yes_no["no"]}
        )
    return code


def _read_codes(text: str, lookup: dict[str, str], what: str) -> list[str]:
    codes = []
    for part in _split_list(text):
        code = lookup.get(_fold(part))
        if code is None:
            raise _Unreadable(
                _("“%(text)s” is not one of the %(what)s listed in the allowed answers.")
                % {"text": part, "what": what}
            )
        if code not in codes:
            codes.append(code)
    return codes


def _read_assistance(text: str, vocabulary: _Vocabulary) -> dict:
    raw = dict.fromkeys(ASSISTANCE_FIELDS, "")
    current = None
    for line in text.split("\n"):
        name, sep, rest = line.partition(":")
        found = vocabulary.key_fields.get(_fold(name)) if sep else None
        if found is not None:
            current = found
            raw[current] = rest.strip()
        elif current is not None:
            # A line without a known name continues the previous one (details over several lines).
            raw[current] = f"{raw[current]}\n{line.rstrip()}".strip("\n")
        elif line.strip():
            names = ", ".join(vocabulary.keys.values())
            raise _Unreadable(_("Start each line with one of: %(names)s.") % {"names": names})
    # Translators: what the person chooses among, in "… is not one of the %(what)s listed …".
    challenges = _read_codes(raw["challenges"], vocabulary.challenge_codes, _("challenges"))
    kinds = _read_codes(raw["kinds"], vocabulary.kind_codes, _("kinds of assistance"))
    return {
        "challenges": challenges,
        "challenges_other": raw["challenges_other"],
        "would_help": _read_yes_no(raw["would_help"], vocabulary),
        "kinds": kinds,
        "details": raw["details"],
        "receiving": _read_yes_no(raw["receiving"], vocabulary),
        "received_from": raw["received_from"],
    }


def answer_value(question: Question, text: str, vocabulary: _Vocabulary):
    """The value the answer form would store for this text (the shapes of `AnswerForm.to_value`).
    Raises `_Unreadable` when the text does not fit the question."""
    kind = question.kind
    text = unguard(text).replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.strip()
    if kind in (Kind.COMPLIANCE, Kind.SINGLE_CHOICE):
        if not stripped:
            return ""
        code = vocabulary.choice_codes(question).get(_fold(stripped))
        if code is None:
            raise _Unreadable(
                _("“%(text)s” is not one of the allowed answers: %(labels)s.")
                % {"text": stripped, "labels": "; ".join(c.label for c in question.choices.all())}
            )
        return code
    if kind == Kind.MULTIPLE_CHOICE:
        # Translators: what the person chooses among, in "… is not one of the %(what)s listed …".
        return _read_codes(text, vocabulary.choice_codes(question), _("answers"))
    if kind == Kind.NUMBER:
        return _read_number(stripped) if stripped else ""
    if kind == Kind.DATE:
        return _read_date(stripped) if stripped else ""
    if kind == Kind.LEGISLATION:
        return [_read_reference(line) for line in text.split("\n") if line.strip()]
    if kind == Kind.ASSISTANCE:
        return _read_assistance(text, vocabulary)
    return text


# --- Export -------------------------------------------------------------------------------------------------


def _headers() -> list[str]:
    return [
        _("Code"),
        _("Question"),
        _("Kind"),
        _("Allowed answers"),
        _("Your answer"),
        _("Version"),
        _("Exported answer"),
    ]


def _instruments(response: Response, structure: Structure) -> list:
    """The instruments in the response's scope, in the questionnaire's order."""
    scope = response_scope(response, structure)
    seen = {}
    for section in structure.sections:
        if section.instrument_id in scope:
            seen.setdefault(section.instrument.code, section.instrument)
    return list(seen.values())


def _questions_of(structure: Structure, instrument_code: str) -> list[Question]:
    sections = {s.pk for s in structure.sections if s.instrument.code == instrument_code}
    return [q for q in structure.questions if q.section_id in sections]


def structure_checksum(structure: Structure, instrument_codes: list[str]) -> str:
    """SHA-256 of the ordered question codes and kinds of the given instruments."""
    lines = [f"{q.code}:{q.kind}" for code in instrument_codes for q in _questions_of(structure, code)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _rows_digest(rows: list[tuple[str, int, str]]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def _sign(meta: dict[str, str]) -> str:
    payload = json.dumps([meta.get(key, "") for key in META_KEYS], ensure_ascii=False)
    return signing.Signer(salt=SIGNING_SALT).signature(payload)


def response_export(
    *, response: Response, language: str, by: User | None = None, ip_address: str | None = None
) -> bytes:
    """The response's questions and current answers as an XLSX workbook in one language: one sheet per
    instrument answered, and a hidden, signed `_meta` sheet that the upload is checked against."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("This language is not offered."))
    structure = structure_for(response.questionnaire)
    instruments = _instruments(response, structure)
    if not instruments:
        raise ValidationError(
            _(
                "There is nothing to put in a spreadsheet yet: this response covers none of the instruments. "
                "Add the instruments your State answers on the response page first."
            )
        )
    answers = {a.question_id: a for a in Answer.objects.filter(response=response)}
    vocabulary = vocabulary_for(language)
    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_ranges: dict[tuple[str, ...], str] = {}
    digests: dict[str, str] = {}
    read_only: list[str] = []
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    with translation.override(language):
        headers = _headers()
        for instrument in instruments:
            sheet = workbook.create_sheet(instrument.code)
            for column, header in enumerate(headers, start=1):
                cell = sheet.cell(row=1, column=column, value=guard(header))
                cell.font = Font(bold=True)
            validations: dict[str, DataValidation] = {}
            rows = []
            for number, question in enumerate(_questions_of(structure, instrument.code), start=2):
                answer = answers.get(question.pk)
                version = answer.version if answer is not None else 0
                text = guard(answer_text(question, answer.value if answer else None, vocabulary))
                if len(text) > CELL_LIMIT:
                    read_only.append(question.code)
                    text = guard(_("This answer is too long for a spreadsheet cell: change it online."))
                kind_text = Kind(question.kind).label
                if question.required:
                    kind_text = f"{kind_text}\n{_('Required')}"
                values = {
                    CODE: guard(question.code),
                    QUESTION: guard(question.text),
                    KIND: guard(kind_text),
                    ALLOWED: guard(_allowed_text(question, vocabulary)),
                    ANSWER: text,
                    VERSION: version,
                    EXPORTED: text,
                }
                for column, value in values.items():
                    cell = sheet.cell(row=number, column=column, value=value)
                    cell.alignment = wrap if column in (QUESTION, ALLOWED, ANSWER, KIND) else top
                answer_cell = sheet.cell(row=number, column=ANSWER)
                answer_cell.number_format = "@"  # typed dates and numbers stay text, as written
                answer_cell.protection = Protection(locked=question.kind == Kind.FILE)
                rows.append((question.code, version, text))
                if question.kind in (Kind.COMPLIANCE, Kind.SINGLE_CHOICE):
                    labels = tuple(guard(c.label) for c in question.choices.all())
                    if labels and labels not in list_ranges:
                        column_letter = get_column_letter(len(list_ranges) + 1)
                        for index, label in enumerate(labels, start=1):
                            lists.cell(row=index, column=len(list_ranges) + 1, value=label)
                        list_ranges[labels] = (
                            f"'{LISTS_SHEET}'!${column_letter}$1:${column_letter}${len(labels)}"
                        )
                    if labels:
                        formula = list_ranges[labels]
                        if formula not in validations:
                            validations[formula] = DataValidation(
                                type="list",
                                formula1=formula,
                                allow_blank=True,
                                showErrorMessage=True,
                                errorStyle="warning",
                                errorTitle=_("Not an allowed answer"),
                                error=_("Choose one of the allowed answers listed in the previous column."),
                            )
                            sheet.add_data_validation(validations[formula])
                        validations[formula].add(answer_cell)
            digests[instrument.code] = _rows_digest(rows)
            widths = {CODE: 18, QUESTION: 60, KIND: 22, ALLOWED: 36, ANSWER: 70, VERSION: 10, EXPORTED: 30}
            for column, width in widths.items():
                sheet.column_dimensions[get_column_letter(column)].width = width
            for column in (VERSION, EXPORTED):
                sheet.column_dimensions[get_column_letter(column)].hidden = True
            sheet.freeze_panes = "B2"
            # Only the answers are meant to change; protection without a password guards against slips.
            sheet.protection.sheet = True
            sheet.protection.formatColumns = False
            sheet.protection.formatRows = False
            sheet.protection.formatCells = False
    meta = {
        "format": FORMAT,
        "response": str(response.pk),
        "country": response.country.iso2,
        "questionnaire": response.questionnaire.code,
        "language": language,
        "instruments": " ".join(i.code for i in instruments),
        "exported_at": timezone.now().isoformat(),
        "structure": structure_checksum(structure, [i.code for i in instruments]),
        "answers": json.dumps(digests, sort_keys=True),
        "read_only": " ".join(read_only),
        # The headers as written: checked on upload whatever later translations of them say.
        "columns": json.dumps(headers, ensure_ascii=False),
    }
    meta_sheet = workbook.create_sheet(META_SHEET)
    for key in META_KEYS:
        meta_sheet.append([key, meta[key]])
    meta_sheet.append(["signature", _sign(meta)])
    meta_sheet.sheet_state = "hidden"
    workbook.move_sheet(lists, offset=len(workbook.sheetnames) - 1)
    workbook.active = workbook.sheetnames.index(instruments[0].code) if instruments else 0
    buffer = BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=by,
        action="response.offline_export",
        target=response,
        country=response.country,
        summary=f"Downloaded {response} for offline work ({language})",
        data={"language": language, "instruments": [i.code for i in instruments]},
        ip_address=ip_address,
    )
    return buffer.getvalue()


# --- Import: preview ----------------------------------------------------------------------------------------


@dataclass
class OfflineChange:
    """One answer the person changed in the file."""

    question: Question
    sheet: str
    row: int
    status: str  # new | update | conflict
    old_value: object  # the answer online now (None when there is none)
    new_value: object
    exported_version: int
    current_version: int
    text: str  # the cell as uploaded
    shown: bool = True  # whether the question is shown given the answers after the change
    current_answer: Answer | None = None

    NEW = "new"
    UPDATE = "update"
    CONFLICT = "conflict"

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_conflict(self) -> bool:
        return self.status == self.CONFLICT


@dataclass
class OfflinePreview:
    response: Response
    language: str
    exported_at: datetime | None
    changes: list[OfflineChange] = field(default_factory=list)
    # Cells changed that are never imported (file questions, answers too long for a cell).
    ignored: list[OfflineProblem] = field(default_factory=list)

    @property
    def conflicts(self) -> list[OfflineChange]:
        return [c for c in self.changes if c.is_conflict]

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)

    @property
    def fingerprint(self) -> str:
        """Identifies what the preview showed, so that applying can tell whether anything moved since."""
        items = [
            [c.code, c.status, c.current_version, json.dumps(c.new_value, sort_keys=True)]
            for c in self.changes
        ]
        return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def _open(data: bytes):
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same clear refusal
        return None


def _sheet_rows(sheet) -> list[list]:
    sheet.reset_dimensions()  # some programs write wrong dimensions; read every row
    rows = []
    for cells in sheet.iter_rows(max_col=COLUMN_COUNT):
        row = list(cells)[:COLUMN_COUNT]
        rows.append(row + [None] * (COLUMN_COUNT - len(row)))
    return rows


def _value(cell):
    return None if cell is None else cell.value


def _read_meta(workbook) -> tuple[dict[str, str], list[OfflineProblem]]:
    if META_SHEET not in workbook.sheetnames:
        return {}, [
            OfflineProblem(
                _(
                    "This workbook was not downloaded from the portal for offline work (its hidden “_meta” "
                    "sheet is missing). Download the spreadsheet from the response page and fill that in."
                )
            )
        ]
    meta = {}
    sheet = workbook[META_SHEET]
    sheet.reset_dimensions()
    for row in sheet.iter_rows(max_col=2, values_only=True):
        if row and row[0] is not None:
            meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    tampered = [
        OfflineProblem(
            _(
                "The hidden “_meta” sheet was changed, so the file cannot be trusted. Download a new "
                "spreadsheet and copy your answers into it."
            ),
            sheet=META_SHEET,
        )
    ]
    if any(key not in meta for key in (*META_KEYS, "signature")):
        return meta, tampered
    if meta["format"] != FORMAT:
        return meta, [
            OfflineProblem(_("This spreadsheet format is not supported any more. Download a new one."))
        ]
    try:
        signing.Signer(salt=SIGNING_SALT).unsign(
            json.dumps([meta[key] for key in META_KEYS], ensure_ascii=False) + ":" + meta["signature"]
        )
    except signing.BadSignature:
        return meta, tampered
    return meta, []


def _check_meta(meta: dict[str, str], response: Response, structure: Structure) -> list[OfflineProblem]:
    problems = []
    if meta["country"] != response.country.iso2:
        other = Country.objects.filter(iso2=meta["country"]).first()
        problems.append(
            OfflineProblem(
                _(
                    "This file holds the answers of %(other)s, not of %(state)s. Upload only a spreadsheet "
                    "downloaded from your own State's response."
                )
                % {"other": other.name if other else meta["country"], "state": response.country.name}
            )
        )
    if meta["questionnaire"] != response.questionnaire.code:
        problems.append(
            OfflineProblem(
                _(
                    "This file was downloaded from the questionnaire version “%(file)s”; this response "
                    "answers version “%(current)s”. Download a new spreadsheet for this version."
                )
                % {"file": meta["questionnaire"], "current": response.questionnaire.code}
            )
        )
    if problems:
        return problems
    if meta["response"] != str(response.pk):
        return [OfflineProblem(_("This file was downloaded for another response. Download a new one."))]
    codes = meta["instruments"].split()
    in_scope = {i.code for i in _instruments(response, structure)}
    for code in codes:
        if code not in in_scope:
            problems.append(
                OfflineProblem(
                    _(
                        "The State no longer answers for %(instrument)s, which this file includes. "
                        "Download a new spreadsheet."
                    )
                    % {"instrument": code},
                    sheet=code,
                )
            )
    if not problems and structure_checksum(structure, codes) != meta["structure"]:
        problems.append(
            OfflineProblem(
                _("The questionnaire's structure differs from this file's. Download a new spreadsheet.")
            )
        )
    return problems


@dataclass
class _Row:
    sheet: str
    number: int
    question: Question
    answer: str
    version: int
    exported: str
    formula: bool


def _column(index: int) -> str:
    # Translators: a column of the spreadsheet, e.g. E (Your answer).
    return _("%(letter)s (%(name)s)") % {"letter": get_column_letter(index), "name": _headers()[index - 1]}


def _read_sheet(
    workbook, code: str, structure: Structure, expected_headers: list[str], problems: list
) -> list[_Row]:
    """The sheet's rows, checked against the questions the instrument has, in order."""
    if code not in workbook.sheetnames:
        problems.append(OfflineProblem(_("The sheet is missing."), sheet=code))
        return []
    rows = _sheet_rows(workbook[code])
    header = [unguard(_cell_text(_value(c))).strip() for c in rows[0]] if rows else []
    header += [""] * (COLUMN_COUNT - len(header))
    for index, expected in enumerate(expected_headers, start=1):
        if header[index - 1] != expected.strip():
            problems.append(
                OfflineProblem(
                    _("This column should be “%(name)s”: columns must not be added, removed or moved.")
                    % {"name": expected},
                    sheet=code,
                    row=1,
                    column=get_column_letter(index),
                )
            )
            return []
    expected = _questions_of(structure, code)
    expected_codes = [q.code for q in expected]
    all_codes = set(structure.by_code)
    seen: set[str] = set()
    result = []
    last_index = -1
    for number, cells in enumerate(rows[1:], start=2):
        values = [_value(c) for c in cells]
        question_code = unguard(_cell_text(values[CODE - 1]).strip())
        if not question_code:
            if any(v not in (None, "") for v in values):
                problems.append(
                    OfflineProblem(
                        _("The question code is missing; rows must not be changed."),
                        sheet=code,
                        row=number,
                        column=_column(CODE),
                    )
                )
            continue
        place = {"sheet": code, "row": number, "column": _column(CODE)}
        if question_code in seen:
            problems.append(OfflineProblem(_("This question appears twice."), **place))
            continue
        seen.add(question_code)
        if question_code not in expected_codes:
            message = (
                _("This question belongs to another instrument's sheet.")
                if question_code in all_codes
                else _("“%(code)s” is not a question of this questionnaire.") % {"code": question_code}
            )
            problems.append(OfflineProblem(message, **place))
            continue
        index = expected_codes.index(question_code)
        if index < last_index:
            problems.append(OfflineProblem(_("The row was moved: rows must keep their order."), **place))
        last_index = max(last_index, index)
        version = values[VERSION - 1]
        try:
            version = int(version or 0)
        except (TypeError, ValueError):
            version = -1  # caught by the digest check
        answer_cell = cells[ANSWER - 1]
        result.append(
            _Row(
                sheet=code,
                number=number,
                question=structure.by_code[question_code],
                answer=_cell_text(values[ANSWER - 1]),
                version=version,
                exported=_cell_text(values[EXPORTED - 1]),
                formula=getattr(answer_cell, "data_type", None) == "f",
            )
        )
    for missing in [c for c in expected_codes if c not in seen]:
        problems.append(
            OfflineProblem(
                _("The question %(code)s is missing from the sheet; rows must not be deleted.")
                % {"code": missing},
                sheet=code,
                row=expected_codes.index(missing) + 2,
                column=_column(CODE),
            )
        )
    return result


def response_import_preview(*, response: Response, data: bytes, by: User) -> OfflinePreview:
    """Compare an uploaded workbook with what was exported and with the answers online now.

    Raises `OfflineRefused` (nothing saved) when the file does not belong to this response, was
    tampered with, has changed rows, or has any answer that cannot be read or does not fit its question.
    """
    if not permissions.can_edit_response(by, response):
        raise PermissionDenied(_("You may not change this response."))
    workbook = _open(data)
    if workbook is None:
        raise OfflineRefused([OfflineProblem(_("This file is not an XLSX workbook."))])
    try:
        meta, problems = _read_meta(workbook)
        if problems:
            raise OfflineRefused(problems)
        structure = structure_for(response.questionnaire)
        problems = _check_meta(meta, response, structure)
        if problems:
            raise OfflineRefused(problems)
        language = meta["language"] if meta["language"] in dict(settings.LANGUAGES) else "en"
        digests = json.loads(meta["answers"])
        headers = json.loads(meta["columns"])
        rows: list[_Row] = []
        for code in meta["instruments"].split():
            sheet_problems: list[OfflineProblem] = []
            sheet_rows = _read_sheet(workbook, code, structure, headers, sheet_problems)
            if not sheet_problems and _rows_digest(
                [(r.question.code, r.version, r.exported) for r in sheet_rows]
            ) != digests.get(code):
                sheet_problems.append(
                    OfflineProblem(
                        _(
                            "The hidden columns (version, exported answer) were changed, so the file "
                            "cannot be trusted. Download a new spreadsheet and copy your answers into it."
                        ),
                        sheet=code,
                    )
                )
            problems += sheet_problems
            rows += sheet_rows
        if problems:
            raise OfflineRefused(problems)
    finally:
        workbook.close()
    try:
        exported_at = datetime.fromisoformat(meta["exported_at"])
    except ValueError:
        exported_at = None
    preview = OfflinePreview(response=response, language=language, exported_at=exported_at)
    answers = {
        a.question_id: a for a in Answer.objects.filter(response=response).select_related("updated_by")
    }
    vocabulary = vocabulary_for(language)
    read_only = set(meta["read_only"].split())
    active_challenges = {c.code for c in vocabulary.challenges if c.is_active}
    active_kinds = {k.code for k in vocabulary.assistance_kinds if k.is_active}
    for row in rows:
        if _same_text(row.answer, row.exported):
            continue
        question = row.question
        place = {"sheet": row.sheet, "row": row.number, "column": _column(ANSWER)}
        if question.kind == Kind.FILE or question.code in read_only:
            preview.ignored.append(
                OfflineProblem(_("This answer can only be changed online; the change was ignored."), **place)
            )
            continue
        if row.formula:
            problems.append(
                OfflineProblem(_("Formulas are not accepted: type the answer as plain text."), **place)
            )
            continue
        try:
            value = answer_value(question, row.answer, vocabulary)
        except _Unreadable as error:
            problems.append(OfflineProblem(str(error), **place))
            continue
        current = answers.get(question.pk)
        if question.kind == Kind.ASSISTANCE:
            # Withdrawn items stay allowed in an answer that already has them.
            kept = current.value if current is not None and isinstance(current.value, dict) else {}
            errors = value_errors(
                question,
                value,
                assistance_kinds=active_kinds | set(kept.get("kinds") or []),
                challenge_kinds=active_challenges | set(kept.get("challenges") or []),
            )
        else:
            errors = value_errors(question, value)
        if errors:
            problems += [OfflineProblem(error, **place) for error in errors]
            continue
        current_value = current.value if current is not None else None
        if value == current_value:
            continue  # already online, whoever put it there
        current_version = current.version if current is not None else 0
        if current_version != row.version:
            status = OfflineChange.CONFLICT
        elif current is None:
            status = OfflineChange.NEW
        else:
            status = OfflineChange.UPDATE
        preview.changes.append(
            OfflineChange(
                question=question,
                sheet=row.sheet,
                row=row.number,
                status=status,
                old_value=current_value,
                new_value=value,
                exported_version=row.version,
                current_version=current_version,
                text=unguard(row.answer),
                current_answer=current,
            )
        )
    if problems:
        raise OfflineRefused(problems)
    merged = {qid: a.value for qid, a in answers.items()}
    merged.update({c.question.pk: c.new_value for c in preview.changes})
    visible = visible_question_ids(structure, merged)
    for change in preview.changes:
        change.shown = change.question.pk in visible
    return preview


# --- Import: apply ------------------------------------------------------------------------------------------

MINE = "mine"
THEIRS = "theirs"


def response_import_apply(
    *,
    response: Response,
    data: bytes,
    by: User,
    resolutions: dict[str, str],
    ip_address: str | None = None,
    fingerprint: str | None = None,
) -> dict[str, int]:
    """Apply an uploaded workbook: the comparison is made again, then every change is saved in one
    transaction. A conflict is saved only when `resolutions[code]` is "mine" and left when "theirs".

    Raises `OfflineRefused` as the preview does, and when an answer changed online while saving (nothing
    is saved then); `OfflineUnresolved` when a conflict has no choice or, given the `fingerprint` of the
    preview shown, anything changed since.
    """
    preview = response_import_preview(response=response, data=data, by=by)
    if fingerprint is not None and fingerprint != preview.fingerprint:
        raise OfflineUnresolved(
            _("Answers changed online since the preview. Check the changes again before applying."), preview
        )
    unresolved = [c.code for c in preview.conflicts if resolutions.get(c.code) not in (MINE, THEIRS)]
    if unresolved:
        raise OfflineUnresolved(
            _("Choose which answer to keep for %(codes)s.") % {"codes": ", ".join(unresolved)}, preview
        )
    counts = {"new": 0, "updated": 0, "kept_mine": 0, "kept_theirs": 0}
    code_lists = (
        list(AssistanceKind.objects.values_list("code", flat=True)),
        list(ChallengeKind.objects.values_list("code", flat=True)),
    )
    try:
        with transaction.atomic():
            # Serialize with submission: answers are never written into a response being submitted.
            locked = Response.objects.select_for_update().get(pk=response.pk)
            if not permissions.can_edit_response(by, locked):
                raise PermissionDenied(_("This response can no longer be changed."))
            for change in preview.changes:
                if change.is_conflict:
                    if resolutions[change.code] == THEIRS:
                        counts["kept_theirs"] += 1
                        continue
                    base_version = change.current_version
                    counts["kept_mine"] += 1
                else:
                    base_version = change.exported_version
                    counts["new" if change.status == OfflineChange.NEW else "updated"] += 1
                answer_save(
                    response=locked,
                    question=change.question,
                    value=change.new_value,
                    base_version=base_version,
                    by=by,
                    language=preview.language,
                    source=AnswerRevision.Source.SPREADSHEET,
                    ip_address=ip_address,
                    code_lists=code_lists,
                )
            saved = counts["new"] + counts["updated"] + counts["kept_mine"]
            audit_record(
                actor=by,
                action="response.offline_import",
                target=locked,
                country=locked.country,
                summary=f"Applied an offline spreadsheet to {locked}: {saved} answers changed",
                data={**counts, "saved": saved, "language": preview.language},
                ip_address=ip_address,
            )
    except AnswerConflict:
        raise OfflineRefused(
            [
                OfflineProblem(
                    _(
                        "Someone changed answers online while yours were being saved, so nothing was "
                        "saved. Upload the file again to review the changes."
                    )
                )
            ]
        ) from None
    return {**counts, "saved": saved}
