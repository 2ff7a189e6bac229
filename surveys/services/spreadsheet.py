"""A whole questionnaire to and from one XLSX workbook, in the manner of XLSForm: one sheet per kind of
row, one column per language for each text (`text::fr`). Export then import reproduces a version exactly.

An import is checked as a whole before anything is written: a file with any error is refused, and each
error names its sheet, row and column.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.audit import audit_record
from portal.models import User

from ..models import Article, Choice, Condition, Instrument, Provision, Question, Questionnaire, Section
from .authoring import TRANSLATED_SUFFIXES

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n", ""}


def _langs(field):
    return [f"{field}::{suffix}" for suffix in TRANSLATED_SUFFIXES]


SHEETS = {
    "questionnaire": ["code", "previous", *_langs("title"), *_langs("description")],
    "sections": ["code", "instrument", "article", *_langs("title"), "show_if"],
    "questions": [
        "section",
        "code",
        "kind",
        "provision",
        "required",
        "min",
        "max",
        "continues",
        *_langs("text"),
        *_langs("help"),
        "show_if",
    ],
    "choices": ["question", "value", *_langs("label")],
}
# Spreadsheet column -> model field prefix.
TEXT_FIELDS = {
    "title": "title",
    "description": "description",
    "text": "text",
    "help": "help_text",
    "label": "label",
}
MAX_LENGTHS = {"sections": {"title": 255}, "choices": {"label": 255}, "questionnaire": {"title": 200}}


def _format_show_if(conditions) -> str:
    return "; ".join(f"{c.depends_on.code}={'|'.join(c.values)}" for c in conditions)


def _decimal_text(value):
    if value is None:
        return ""
    return format(value.normalize(), "f")


def questionnaire_export(questionnaire: Questionnaire) -> bytes:
    """The whole version as an XLSX workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {}
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheets[name] = sheet

    def texts(obj, column):
        field = TEXT_FIELDS[column]
        return [getattr(obj, f"{field}_{suffix}") or "" for suffix in TRANSLATED_SUFFIXES]

    sheets["questionnaire"].append(
        [
            questionnaire.code,
            questionnaire.previous.code if questionnaire.previous else "",
            *texts(questionnaire, "title"),
            *texts(questionnaire, "description"),
        ]
    )
    sections = list(
        questionnaire.sections.select_related("instrument", "article").prefetch_related(
            "conditions__depends_on"
        )
    )
    for section in sections:
        sheets["sections"].append(
            [
                section.code,
                section.instrument.code,
                section.article.number if section.article else "",
                *texts(section, "title"),
                _format_show_if(section.conditions.all()),
            ]
        )
    questions = (
        questionnaire.questions.select_related("section", "provision", "continues")
        .prefetch_related("conditions__depends_on", "choices")
        .order_by("section__position", "position", "code")
    )
    for question in questions:
        sheets["questions"].append(
            [
                question.section.code,
                question.code,
                question.kind,
                question.provision.code if question.provision else "",
                "yes" if question.required else "no",
                _decimal_text(question.min_value),
                _decimal_text(question.max_value),
                question.continues.code if question.continues else "",
                *texts(question, "text"),
                *texts(question, "help"),
                _format_show_if(question.conditions.all()),
            ]
        )
        for choice in question.choices.all():
            sheets["choices"].append([question.code, choice.value, *texts(choice, "label")])
    for sheet in sheets.values():
        for index, _column in enumerate(sheet[1], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 24
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRefused(ValidationError):
    """The file was refused as a whole; `problems` lists every error found."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


class _Reader:
    """Reads the sheets into dicts and collects problems with their exact place."""

    def __init__(self, data: bytes):
        self.problems: list[ImportProblem] = []
        try:
            self.workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable file gets the same clear refusal
            self.workbook = None
            self.problems.append(ImportProblem("—", 0, "—", _("This file is not an XLSX workbook.")))

    def problem(self, sheet, row, column, message):
        self.problems.append(ImportProblem(sheet, row, column, message))

    def rows(self, name):
        if self.workbook is None:
            return []
        if name not in self.workbook.sheetnames:
            self.problem(name, 0, "—", _("The sheet is missing."))
            return []
        rows = list(self.workbook[name].iter_rows(values_only=True))
        if not rows:
            self.problem(name, 1, "—", _("The sheet has no header row."))
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        missing = [c for c in SHEETS[name] if c not in header]
        for column in missing:
            self.problem(name, 1, column, _("This column is missing."))
        unknown = [c for c in header if c and c not in SHEETS[name]]
        for column in unknown:
            self.problem(name, 1, column, _("This column is not part of the format."))
        result = []
        for number, values in enumerate(rows[1:], start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            record = {}
            for column, value in zip(header, values, strict=False):
                if column:
                    record[column] = (
                        ""
                        if value is None
                        else str(value).strip()
                        if not isinstance(value, str)
                        else value.strip()
                    )
            record["_row"] = number
            result.append(record)
        return result


def _texts(reader, sheet, record, column, *, required_english=True, max_length=None):
    field = TEXT_FIELDS[column]
    values = {}
    for suffix in TRANSLATED_SUFFIXES:
        value = record.get(f"{column}::{suffix}", "")
        if max_length and len(value) > max_length:
            reader.problem(
                sheet,
                record["_row"],
                f"{column}::{suffix}",
                _("The text is longer than %(max)s characters.") % {"max": max_length},
            )
        values[f"{field}_{suffix}"] = value
    if required_english and not values[f"{field}_en"]:
        reader.problem(sheet, record["_row"], f"{column}::en", _("The English text is missing."))
    return values


def _parse_show_if(reader, sheet, row, text):
    """'CODE=a|b; CODE2=c' -> [(CODE, [a, b]), (CODE2, [c])]"""
    result = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        code, sep, values = part.partition("=")
        values = [v.strip() for v in values.split("|") if v.strip()]
        if not sep or not code.strip() or not values:
            reader.problem(
                sheet, row, "show_if", _("Write conditions as QUESTION=value|value, separated by semicolons.")
            )
            continue
        result.append((code.strip(), values))
    return result


def questionnaire_import(*, data: bytes, by: User | None, replace_draft: bool = False) -> Questionnaire:
    """Create a draft questionnaire from a workbook (or replace a draft with the same code)."""
    reader = _Reader(data)
    meta_rows = reader.rows("questionnaire")
    section_rows = reader.rows("sections")
    question_rows = reader.rows("questions")
    choice_rows = reader.rows("choices")
    if reader.problems:
        raise ImportRefused(reader.problems)

    # --- the questionnaire row -------------------------------------------------------------------------
    if len(meta_rows) != 1:
        reader.problem("questionnaire", 2, "code", _("The sheet must have exactly one row."))
        raise ImportRefused(reader.problems)
    meta = meta_rows[0]
    code = meta.get("code", "")
    existing = None
    if not SLUG.match(code or "") or len(code) > 40:
        reader.problem(
            "questionnaire", meta["_row"], "code", _("Use letters, digits and hyphens only (at most 40).")
        )
    else:
        existing = Questionnaire.objects.filter(code=code).first()
        if existing is not None and not existing.is_editable:
            reader.problem(
                "questionnaire",
                meta["_row"],
                "code",
                _(
                    "The questionnaire “%(code)s” is published and cannot change. Give the file a new code to "
                    "import it as a new draft."
                )
                % {"code": code},
            )
        elif existing is not None and not replace_draft:
            reader.problem(
                "questionnaire",
                meta["_row"],
                "code",
                _("A draft with this code exists. Choose to replace it, or give the file a new code."),
            )
    previous = None
    if meta.get("previous"):
        previous = Questionnaire.objects.filter(code=meta["previous"]).first()
        if previous is None:
            reader.problem("questionnaire", meta["_row"], "previous", _("No questionnaire has this code."))
    meta_texts = {
        **_texts(reader, "questionnaire", meta, "title", max_length=200),
        **_texts(reader, "questionnaire", meta, "description", required_english=False),
    }

    # --- sections --------------------------------------------------------------------------------------
    instruments = {i.code: i for i in Instrument.objects.all()}
    articles = {(a.instrument.code, a.number): a for a in Article.objects.select_related("instrument")}
    sections = {}
    for position, record in enumerate(section_rows, start=1):
        row, section_code = record["_row"], record.get("code", "")
        if not CODE.match(section_code) or len(section_code) > 40:
            reader.problem(
                "sections",
                row,
                "code",
                _(
                    "The code is empty or has characters other than letters, digits, dots, hyphens and underscores."
                ),
            )
        elif section_code in sections:
            reader.problem("sections", row, "code", _("This code is used twice."))
        instrument = instruments.get(record.get("instrument", ""))
        if instrument is None:
            reader.problem(
                "sections",
                row,
                "instrument",
                _("Unknown instrument. Use one of: %(codes)s.") % {"codes": ", ".join(sorted(instruments))},
            )
        article = None
        if record.get("article") and instrument is not None:
            article = articles.get((instrument.code, record["article"]))
            if article is None:
                reader.problem("sections", row, "article", _("This instrument has no such article."))
        sections[section_code] = {
            "row": row,
            "position": position * 10,
            "instrument": instrument,
            "article": article,
            "texts": _texts(reader, "sections", record, "title", max_length=255),
            "show_if": _parse_show_if(reader, "sections", row, record.get("show_if", "")),
        }

    # --- questions -------------------------------------------------------------------------------------
    provisions = {p.code: p for p in Provision.objects.all()}
    previous_questions = {q.code: q for q in previous.questions.all()} if previous else {}
    kinds = set(Question.Kind.values)
    questions = {}
    for position, record in enumerate(question_rows, start=1):
        row, question_code = record["_row"], record.get("code", "")
        if not CODE.match(question_code) or len(question_code) > 48:
            reader.problem(
                "questions",
                row,
                "code",
                _(
                    "The code is empty or has characters other than letters, digits, dots, hyphens and underscores."
                ),
            )
        elif question_code in questions:
            reader.problem("questions", row, "code", _("This code is used twice."))
        section = sections.get(record.get("section", ""))
        if section is None:
            reader.problem("questions", row, "section", _("No section on the sections sheet has this code."))
        kind = record.get("kind", "")
        if kind not in kinds:
            reader.problem(
                "questions",
                row,
                "kind",
                _("Unknown question kind. Use one of: %(kinds)s.") % {"kinds": ", ".join(sorted(kinds))},
            )
        provision = None
        if record.get("provision"):
            provision = provisions.get(record["provision"])
            if provision is None:
                reader.problem("questions", row, "provision", _("No provision has this code."))
        required_word = record.get("required", "").lower()
        if required_word not in TRUE_WORDS | FALSE_WORDS:
            reader.problem("questions", row, "required", _("Write yes or no."))
        bounds = {}
        for column in ("min", "max"):
            try:
                bounds[column] = Decimal(record[column]) if record.get(column) else None
                if bounds[column] is not None and not bounds[column].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                reader.problem("questions", row, column, _("This is not a number."))
                bounds[column] = None
        if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
            reader.problem("questions", row, "min", _("The minimum is above the maximum."))
        continues = None
        if record.get("continues"):
            continues = previous_questions.get(record["continues"])
            if continues is None:
                reader.problem(
                    "questions",
                    row,
                    "continues",
                    _(
                        "The previous version named on the questionnaire sheet has no question with this code."
                    ),
                )
        questions[question_code] = {
            "row": row,
            "position": position * 10,
            "section_code": record.get("section", ""),
            "kind": kind,
            "provision": provision,
            "required": required_word in TRUE_WORDS,
            "min": bounds["min"],
            "max": bounds["max"],
            "continues": continues,
            "texts": {
                **_texts(reader, "questions", record, "text"),
                **_texts(reader, "questions", record, "help", required_english=False),
            },
            "show_if": _parse_show_if(reader, "questions", row, record.get("show_if", "")),
            "choices": [],
        }

    # --- choices ---------------------------------------------------------------------------------------
    for position, record in enumerate(choice_rows, start=1):
        row = record["_row"]
        question = questions.get(record.get("question", ""))
        if question is None:
            reader.problem("choices", row, "question", _("No question on the questions sheet has this code."))
            continue
        if question["kind"] not in Question.CHOICE_KINDS:
            reader.problem("choices", row, "question", _("This question's kind takes no choices."))
        value = record.get("value", "")
        if not SLUG.match(value) or len(value) > 40:
            reader.problem("choices", row, "value", _("Use letters, digits, hyphens and underscores only."))
        elif value in {c["value"] for c in question["choices"]}:
            reader.problem("choices", row, "value", _("This value is used twice for the question."))
        question["choices"].append(
            {
                "value": value,
                "position": position,
                "texts": _texts(reader, "choices", record, "label", max_length=255),
            }
        )
    for question in questions.values():
        if question["kind"] in Question.CHOICE_KINDS and not question["choices"]:
            reader.problem(
                "questions",
                question["row"],
                "kind",
                _("A question of this kind needs choices on the choices sheet."),
            )

    # --- conditions: point to an earlier question with choices, with values it offers ------------------
    def order(code):
        q = questions[code]
        section = sections.get(q["section_code"])
        return (section["position"] if section else 0, q["position"], code)

    for sheet, items in (("sections", sections), ("questions", questions)):
        for code_, item in items.items():
            for source_code, values in item["show_if"]:
                source = questions.get(source_code)
                if source is None:
                    reader.problem(
                        sheet,
                        item["row"],
                        "show_if",
                        _("The condition points to %(code)s, which is not a question of this file.")
                        % {"code": source_code},
                    )
                    continue
                if source["kind"] not in Question.CHOICE_KINDS:
                    reader.problem(
                        sheet,
                        item["row"],
                        "show_if",
                        _("The condition points to %(code)s, which has no choices.") % {"code": source_code},
                    )
                    continue
                if sheet == "questions" and order(source_code) >= order(code_):
                    reader.problem(
                        sheet,
                        item["row"],
                        "show_if",
                        _("The condition points to %(code)s, which does not come earlier.")
                        % {"code": source_code},
                    )
                if sheet == "sections":
                    source_section = sections.get(source["section_code"])
                    if source_section is None or source_section["position"] >= item["position"]:
                        reader.problem(
                            sheet,
                            item["row"],
                            "show_if",
                            _("The condition points to %(code)s, which is not in an earlier section.")
                            % {"code": source_code},
                        )
                offered = {c["value"] for c in source["choices"]}
                unknown = [v for v in values if v not in offered]
                if unknown:
                    reader.problem(
                        sheet,
                        item["row"],
                        "show_if",
                        _("%(code)s does not offer the values %(values)s.")
                        % {"code": source_code, "values": ", ".join(unknown)},
                    )

    if reader.problems:
        raise ImportRefused(reader.problems)

    # --- write everything, or nothing ------------------------------------------------------------------
    with transaction.atomic():
        if existing is not None:
            existing.delete()
        questionnaire = Questionnaire.objects.create(
            code=code, status=Questionnaire.Status.DRAFT, previous=previous, **meta_texts
        )
        section_objects = {}
        for section_code, s in sections.items():
            section_objects[section_code] = Section(
                questionnaire=questionnaire,
                code=section_code,
                instrument=s["instrument"],
                article=s["article"],
                position=s["position"],
                **s["texts"],
            )
        Section.objects.bulk_create(section_objects.values())
        question_objects = {}
        for question_code, q in questions.items():
            question_objects[question_code] = Question(
                questionnaire=questionnaire,
                section=section_objects[q["section_code"]],
                code=question_code,
                kind=q["kind"],
                provision=q["provision"],
                position=q["position"],
                required=q["required"],
                min_value=q["min"],
                max_value=q["max"],
                continues=q["continues"],
                **q["texts"],
            )
        Question.objects.bulk_create(question_objects.values())
        Choice.objects.bulk_create(
            Choice(
                question=question_objects[question_code],
                value=c["value"],
                position=c["position"],
                **c["texts"],
            )
            for question_code, q in questions.items()
            for c in q["choices"]
        )
        conditions = []
        for question_code, q in questions.items():
            for source_code, values in q["show_if"]:
                conditions.append(
                    Condition(
                        question=question_objects[question_code],
                        depends_on=question_objects[source_code],
                        values=values,
                    )
                )
        for section_code, s in sections.items():
            for source_code, values in s["show_if"]:
                conditions.append(
                    Condition(
                        section=section_objects[section_code],
                        depends_on=question_objects[source_code],
                        values=values,
                    )
                )
        Condition.objects.bulk_create(conditions)
        audit_record(
            actor=by,
            action="questionnaire.imported",
            target=questionnaire,
            summary=f"Imported questionnaire {code} from a spreadsheet ({len(questions)} questions)"
            + (" replacing the earlier draft" if existing else ""),
        )
    return questionnaire
