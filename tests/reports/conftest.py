import functools
import subprocess
import unicodedata
from dataclasses import dataclass

import pytest
from django.utils import timezone

from surveys.models import Answer, AnswerRevision, Comment, Question, Response
from surveys.structure import clear_cache
from tests.factories import TreatyParticipationFactory
from tests.surveys.factories import ResponseFactory, published_questionnaire

from .factories import ConferenceSessionFactory

Kind = Question.Kind
MALICIOUS = '<img src="file:///etc/passwd"> <link href="http://example.com/x.css">'


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores its reports in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    clear_cache()


@dataclass
class Cycle:
    session: object
    response: Response
    questions: dict


def answer(response, question, value, user=None, at=None):
    """An answer saved (at `at`, default now) with its revision, as the filling services save it."""
    at = at or timezone.now()
    saved = Answer.objects.create(
        response=response, question=question, value=value, language="en", updated_at=at, updated_by=user
    )
    AnswerRevision.objects.create(
        answer=saved, version=1, value=value, language="en", source="form", changed_at=at, changed_by=user
    )
    return saved


def change(saved, value, at):
    """A later change of an answer (a new revision), saved at `at`."""
    saved.value, saved.version, saved.updated_at = value, saved.version + 1, at
    saved.save()
    AnswerRevision.objects.create(
        answer=saved, version=saved.version, value=value, language="en", source="form", changed_at=at
    )
    return saved


@pytest.fixture
def cycle(state_a, reviewer):
    """A published questionnaire (compliance, references, examples, assistance), Alphaland's submitted
    response answering every question (the examples with markup in them) and a resolved comment."""
    TreatyParticipationFactory(country=state_a, treaty="UNTOC")
    questionnaire = published_questionnaire(
        kinds=[Kind.COMPLIANCE, Kind.LEGISLATION, Kind.LONG_TEXT, Kind.ASSISTANCE]
    )
    questions = {q.kind: q for q in questionnaire.questions.all()}
    response = ResponseFactory(
        questionnaire=questionnaire,
        country=state_a,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    answer(response, questions[Kind.COMPLIANCE], "partial")
    answer(
        response,
        questions[Kind.LEGISLATION],
        [
            {
                "title": "Penal Code",
                "article": "12",
                "url": "https://laws.example.org/pc",
                "in_force_on": "2015-03-01",
            }
        ],
    )
    answer(response, questions[Kind.LONG_TEXT], f"Courts convicted 12 groups. {MALICIOUS}")
    answer(
        response,
        questions[Kind.ASSISTANCE],
        {
            "challenges": [],
            "would_help": "yes",
            "kinds": [],
            "details": "Training of judges",
            "receiving": "no",
        },
    )
    Comment.objects.create(
        response=response,
        question=questions[Kind.LONG_TEXT],
        author=reviewer,
        body="Which courts?",
        resolved_at=timezone.now(),
    )
    return Cycle(
        session=ConferenceSessionFactory(questionnaire=questionnaire, data_cutoff=timezone.localdate()),
        response=response,
        questions=questions,
    )


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_fonts(path) -> list[dict]:
    """The fonts of a PDF as pdffonts lists them: name, embedded."""
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    fonts = []
    for line in lines[2:]:
        parts = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, id: read from the end.
        fonts.append({"name": parts[0], "embedded": parts[-5] == "yes"})
    return fonts


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


@functools.cache
def _font_files() -> dict[str, str]:
    """Installed fonts by normalized "family + style" (and family alone for the regular style)."""
    listing = subprocess.run(
        ["fc-list", "--format", "%{family}\t%{style}\t%{file}\n"], check=True, capture_output=True, text=True
    ).stdout
    files = {}
    for line in listing.splitlines():
        family, style, path = line.split("\t")
        style = style.split(",")[0]
        for name in family.split(","):
            files.setdefault(_norm(name + style), path)
            if style in ("Regular", "Book"):
                files.setdefault(_norm(name), path)
    return files


@functools.cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    fonts = TTCollection(path, lazy=True).fonts if path.endswith(".ttc") else [TTFont(path, lazy=True)]
    return frozenset(code for font in fonts for code in font.getBestCmap())


# Direction marks pdftotext adds around right-to-left runs; they are not drawn.
INVISIBLE = {0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF}


def uncovered_characters(path) -> set[str]:
    """Characters of the PDF's text that none of its embedded fonts has a glyph for (would be boxes)."""
    covered: set[int] = set()
    for font in pdf_fonts(path):
        name = font["name"].split("+", 1)[-1]
        covered |= _cmap(_font_files()[_norm(name)])
    missing = set()
    for char in pdf_text(path):
        if char.isspace() or ord(char) in INVISIBLE or ord(char) in covered:
            continue
        # pdftotext may give a ligature's presentation form; its letters are what the font drew.
        if all(ord(c) in covered for c in unicodedata.normalize("NFKC", char)):
            continue
        missing.add(char)
    return missing
