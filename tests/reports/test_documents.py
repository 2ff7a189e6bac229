"""The PDFs themselves: cover, contents, headings, fonts embedded and covering the text in each of the six
languages, right-to-left Arabic, user text escaped and never fetched."""

import unicodedata

import pytest
from django.conf import settings
from django.utils import translation

from reports import rendering
from reports.models import ReportJob, ReportKind
from reports.services import report_request
from surveys.analysis import CATEGORY_LABELS

from .conftest import MALICIOUS, pdf_fonts, pdf_pages, pdf_text, uncovered_characters


def plain(text: str) -> str:
    """Text as extraction gives it back whatever the shaping: compatibility forms folded, vowel marks,
    direction marks and spaces dropped (extraction may split a word after a vowel mark)."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Cf") and not c.isspace())


LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The typeface each language's text must be set in.
TYPEFACE = {"ar": "Naskh-Arabic", "zh-hans": "CJK-SC"}


def _build(cycle, user, kind, language, **extra):
    job = report_request(by=user, session=cycle.session, kind=kind, language=language, **extra)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    return job


@pytest.mark.parametrize("language", LANGUAGES)
def test_analytical_report_in_each_language_embeds_fonts_covering_its_text(cycle, reviewer, language):
    job = _build(cycle, reviewer, ReportKind.ANALYTICAL, language)
    path = job.file.path
    text = plain(pdf_text(path))
    with translation.override(language):
        info = translation.get_language_info(language)
        assert plain(info["name_local"]) in text  # the cover names the language
        for label in CATEGORY_LABELS.values():  # the table headings, in the language
            # Word by word: extraction may reorder the words of a right-to-left cell.
            words = ["".join(c for c in word if c.isalnum()) for word in str(label).split()]
            assert all(plain(word) in text for word in words)
    assert "CTOC/COP/2026/2" in text
    assert plain(cycle.session.title) in text
    fonts = pdf_fonts(path)
    assert fonts and all(font["embedded"] for font in fonts)
    assert any(TYPEFACE.get(language, "Noto-Sans") in font["name"] for font in fonts)
    assert uncovered_characters(path) == set()
    assert job.pages == pdf_pages(path) > 3


def test_arabic_documents_are_right_to_left_with_an_arabic_typeface(cycle, reviewer, focal_point):
    html_context = {}

    original = rendering.render_pdf

    def keep(html, **kwargs):
        html_context["html"] = html
        return original(html, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reports.services.render_pdf", keep)
        job = _build(cycle, focal_point, ReportKind.COUNTRY_PROFILE, "ar", country=focal_point.country)
    assert '<html lang="ar" dir="rtl">' in html_context["html"]
    assert "Noto Naskh Arabic" in html_context["html"]
    assert any("Naskh-Arabic" in font["name"] for font in pdf_fonts(job.file.path))
    assert uncovered_characters(job.file.path) == set()


def test_country_profile_has_cover_contents_page_numbers_and_every_answer(cycle, focal_point):
    job = _build(cycle, focal_point, ReportKind.COUNTRY_PROFILE, "en", country=focal_point.country)
    text = pdf_text(job.file.path)
    assert "CTOC/COP/2026/CRP.XAA" in text
    assert "Country profile: Alphaland" in text
    assert "Contents" in text
    pages = pdf_pages(job.file.path)
    assert f"Page 2 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Yes, in part" in text  # compliance
    assert "Penal Code" in text and "https://laws.example.org/pc" in text  # references
    assert "Courts convicted 12 groups." in text  # examples
    assert "Training of judges" in text  # assistance needs
    assert "Which courts?" in text  # the resolved comment


def test_markup_in_an_answer_is_printed_as_text_and_nothing_is_fetched(cycle, focal_point, monkeypatch):
    fetched = []
    original = rendering.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(rendering.StaticOnlyFetcher, "fetch", spy)
    job = _build(cycle, focal_point, ReportKind.COUNTRY_PROFILE, "en", country=focal_point.country)
    assert plain(MALICIOUS) in plain(pdf_text(job.file.path))
    assert fetched == []


def test_the_url_fetcher_refuses_files_outside_the_static_directories_and_the_network(monkeypatch):
    fetcher = rendering.StaticOnlyFetcher()
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://example.com/x.css",
        "data:text/css,body{}",
        "ftp://example.com/x",
        f"file://{settings.BASE_DIR}/reports/static/reports/../../../manage.py",
    ):
        with pytest.raises(ValueError, match="Refused"):
            fetcher.fetch(url)
    allowed = fetcher.fetch(f"file://{settings.BASE_DIR}/reports/static/reports/job.js")
    assert b"report" in allowed.read()


def test_even_raw_markup_cannot_load_a_file_or_a_url(monkeypatch):
    """Were user text ever to reach the HTML unescaped, WeasyPrint would still get nothing."""
    refused = []
    original = rendering.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        try:
            return original(self, url, headers)
        except ValueError:
            refused.append(url)
            raise

    monkeypatch.setattr(rendering.StaticOnlyFetcher, "fetch", spy)
    html = (
        '<html><head><link rel="stylesheet" href="http://example.com/x.css"></head>'
        '<body><p>Hello</p><img src="file:///etc/passwd"></body></html>'
    )
    rendered = rendering.render_pdf(html)
    assert rendered.pdf.startswith(b"%PDF") and rendered.pages == 1
    assert set(refused) == {"http://example.com/x.css", "file:///etc/passwd"}


def test_page_counter_follows_the_translation_order():
    assert rendering.page_counter_content("Page %(page)s of %(pages)s") == (
        '"Page " counter(page) " of " counter(pages)'
    )
    assert rendering.page_counter_content("第%(page)s页，共%(pages)s页") == (
        '"第" counter(page) "页，共" counter(pages) "页"'
    )
    assert rendering.css_string('a"b\\c') == '"a\\"b\\\\c"'


def test_user_text_keeps_its_own_direction_in_a_document_of_the_other():
    from reports.templatetags.reports_pdf import text_dir

    assert text_dir("Penal Code, art. 12") == "ltr"
    assert text_dir("12 — قانون العقوبات") == "rtl"
    assert text_dir("2015-03-01") == "auto"
    assert text_dir(None) == "auto"
