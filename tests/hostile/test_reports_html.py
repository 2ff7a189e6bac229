"""Markup typed by a State or the Secretariat reaches the PDF reports as text: the HTML the reports are
printed from (before WeasyPrint) shows it escaped, never as elements that could fetch or run anything."""

import datetime
import html

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from assistance.models import Need
from portal.models import Role
from reports.documents import context_for, render_html
from reports.models import ConferenceSession, ReportKind
from surveys.models import Answer, Comment
from surveys.services.answers import answer_save

from .checks import assert_inert
from .strategies import MARKUP, examples

pytestmark = pytest.mark.django_db

# Markup that would make WeasyPrint fetch a file or a URL, or that a viewer could run.
FETCHING = (
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://example.com/x.css">',
    "<iframe src=http://example.com></iframe>",
    '<object data="file:///etc/shadow"></object>',
    "<style>@import url(http://example.com/x.css);</style>",
)
marked_up = st.builds(
    lambda before, markup, after: f"{before} {markup} {after}".strip(),
    st.text("abcdéع中", max_size=8),
    st.sampled_from(MARKUP + FETCHING),
    st.text("xyz", max_size=4),
)
LIVE = ("<style>@import", "<img src", "<link rel", "<iframe", "<object", "<script>alert", "<svg/onload")


def _assert_text_only(page: str, typed: str) -> None:
    assert_inert(page)
    for live in LIVE:
        assert live not in page, live
    assert html.escape(typed) in page or html.escape(typed, quote=False) in page, typed


@pytest.fixture
def open_session(world):
    # The report takes the answers given by the session's data cut-off: take them all.
    ConferenceSession.objects.filter(pk=world.session.pk).update(
        data_cutoff=timezone.localdate() + datetime.timedelta(days=1)
    )
    world.session.refresh_from_db()
    return world.session


@examples(8)
@given(text=marked_up, comment=marked_up, language=st.sampled_from(("en", "ar", "fr")))
def test_answers_and_comments_are_text_in_the_country_profile(world, open_session, text, comment, language):
    # Through the service, as a person saves it: the report reads each answer's history up to the cut-off.
    # The examples (U-T) are asked after a "yes" to U-C.
    for code, value in (("U-C", "partial"), ("U-T", text)):
        question = world.questionnaire.questions.get(code=code)
        current = Answer.objects.get(response=world.response, question=question)
        answer_save(
            response=world.response,
            question=question,
            value=value,
            base_version=current.version,
            by=world.users[Role.FOCAL_POINT],
        )
    Comment.objects.filter(pk=world.comment.pk).update(body=comment, resolved_at=timezone.now())
    context = context_for(
        session=open_session,
        kind=ReportKind.COUNTRY_PROFILE,
        language=language,
        country=world.country,
        audience="state",
    )
    _assert_text_only(render_html(kind=ReportKind.COUNTRY_PROFILE, context=context), text)


@examples(6)
@given(text=marked_up)
def test_need_descriptions_are_text_in_the_technical_assistance_report(world, open_session, text):
    Need.objects.filter(pk=world.need.pk).update(description=text)
    context = context_for(session=open_session, kind=ReportKind.TECHNICAL_ASSISTANCE, language="en")
    page = render_html(kind=ReportKind.TECHNICAL_ASSISTANCE, context=context)
    assert_inert(page)
    for live in LIVE:
        assert live not in page, live
