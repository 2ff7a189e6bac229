"""Filling in a response with hostile input: the section page, the automatic save, files, comments,
review transitions with notes, submission and scope. Never a server error; what is refused changes
nothing; what is kept is shown as text."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from portal.models import AuditEvent, Role
from surveys.models import Answer, AnswerRevision, Attachment, Comment, Response

from .checks import assert_escaped_in, assert_inert, rows
from .strategies import MARKUP, date_text, examples, hostile_text, number_text, plain_text, uploads

pytestmark = pytest.mark.django_db

ANSWER_TABLES = (Answer, AnswerRevision, Attachment, AuditEvent)
# What a person could type in each kind of question, valid or not.
VALUES = {
    "U-C": st.one_of(st.sampled_from(("yes", "partial", "no")), hostile_text),
    "U-T": hostile_text,
    "U-N": number_text,
    "U-D": date_text,
    "U-S": st.one_of(st.sampled_from(("a", "b")), hostile_text),
    "U-M": st.lists(st.one_of(st.sampled_from(("a", "b")), hostile_text), max_size=3),
}
# Text with markup a page could run, between ordinary words (so that the exact text is searchable).
marked_up = st.builds(
    lambda a, markup, b: f"{a} {markup} {b}",
    st.text("abcdéع中 ", max_size=10),
    st.sampled_from(MARKUP),
    st.text("xyz", max_size=5),
)


def _answer_rows(world, code):
    return list(
        Answer.objects.filter(response=world.response, question__code=code).values_list("version", "value")
    )


def _section_url(world):
    return reverse("surveys:section_form", args=[world.response.pk, "U-5"])


def _versions(world):
    return dict(Answer.objects.filter(response=world.response).values_list("question__code", "version"))


def _legislation_fields(data):
    return {
        f"U-L-ref_{row}_{name}": value
        for row, values in enumerate(data)
        for name, value in zip(("title", "article", "url", "in_force_on"), values, strict=True)
    }


legislation_rows = st.lists(st.tuples(hostile_text, hostile_text, hostile_text, date_text), max_size=2)


@examples(12)
@given(data=st.data())
def test_section_page_never_fails_and_refused_answers_stay_as_they_were(world, as_role, data):
    client = as_role(Role.CONTRIBUTOR)
    versions = _versions(world)
    posted = {code: data.draw(strategy, label=code) for code, strategy in VALUES.items()}
    form = {f"{code}-base_version": versions.get(code, 0) for code in [*VALUES, "U-L", "U-A", "U-F"]}
    form.update({f"{code}-value": value for code, value in posted.items()})
    form.update(_legislation_fields(data.draw(legislation_rows, label="legislation")))
    form["U-A-details"] = data.draw(hostile_text, label="assistance details")
    form["U-A-kinds"] = data.draw(st.lists(st.sampled_from(("training", "<b>", "\x00")), max_size=2))
    if data.draw(st.booleans(), label="with a file"):
        form["U-F-upload"] = data.draw(uploads, label="file")
    before = {code: _answer_rows(world, code) for code in [*VALUES, "U-L", "U-A", "U-F"]}
    attachments = rows(Attachment)

    page = client.post(_section_url(world), form)

    assert page.status_code in (302, 400, 409), page.status_code
    if page.status_code == 302:
        page = client.get(_section_url(world))
    html = page.content.decode()
    assert_inert(html)
    refused = {item["question"].code for item in page.context["items"] if item["form"].errors}
    for code in refused:
        assert _answer_rows(world, code) == before[code], code
    if "U-F" in refused:
        assert rows(Attachment) == attachments
    text = posted["U-T"]
    if "U-T" not in refused and "<" in text and text.strip() and "\x00" not in text:
        assert_escaped_in(html, text)


@pytest.mark.parametrize("code", ["U-C", "U-T", "U-N", "U-D", "U-S", "U-M", "U-L", "U-A", "U-F"])
@examples(8)
@given(data=st.data())
def test_automatic_save_never_fails_and_a_refusal_changes_nothing(world, as_role, code, data):
    client = as_role(Role.FOCAL_POINT)
    field = data.draw(
        st.sampled_from(("value", "details", "ref_0_title", "ref_0_url", "upload")), label="field"
    )
    value = data.draw(VALUES.get(code, hostile_text), label="value")
    version = data.draw(st.one_of(st.just(_versions(world).get(code, 0)), number_text), label="base_version")
    before = rows(*ANSWER_TABLES)

    reply = client.post(
        reverse("surveys:answer_autosave", args=[world.response.pk, code]),
        {f"{code}-base_version": version, f"{code}-{field}": value},
    )

    assert reply.status_code in (200, 400, 409), reply.status_code
    body = reply.json()
    if reply.status_code != 200:
        assert rows(*ANSWER_TABLES) == before
        assert body["status"] in ("invalid", "conflict")
        if body["status"] == "conflict":
            assert_inert(body["theirs"])
    elif code == "U-T" and field == "value":
        assert Answer.objects.get(response=world.response, question__code=code).value == value


@examples(10)
@given(text=marked_up)
def test_markup_in_an_answer_is_text_on_every_page_that_shows_it(world, as_role, text):
    client = as_role(Role.CONTRIBUTOR)
    reply = client.post(
        reverse("surveys:answer_autosave", args=[world.response.pk, "U-T"]),
        {"U-T-base_version": _versions(world)["U-T"], "U-T-value": text},
    )
    assert reply.status_code == 200
    for url in (
        _section_url(world),
        reverse("surveys:answer_history", args=[world.response.pk, "U-T"]),
    ):
        assert_escaped_in(client.get(url).content.decode(), text)
    reviewer = as_role(Role.REVIEWER)
    assert_inert(reviewer.get(reverse("surveys:response_compare", args=[world.response.pk])).content.decode())


@examples(12)
@given(role=st.sampled_from((Role.REVIEWER, Role.FOCAL_POINT, Role.PROVIDER)), body=hostile_text)
def test_a_comment_is_added_or_refused_and_is_shown_as_text(world, as_role, role, body):
    client = as_role(role)
    before = rows(Comment, AuditEvent)
    reply = client.post(reverse("surveys:comment_add", args=[world.response.pk, "U-T"]), {"body": body})
    assert reply.status_code in (302, 404)
    added = Comment.objects.exclude(pk__in=[row[0] for row in before["Comment"]])
    if reply.status_code == 404 or any(m.level_tag == "error" for m in get_messages(reply.wsgi_request)):
        assert rows(Comment, AuditEvent) == before
        return
    assert [c.body for c in added] == [body.strip()]
    html = client.get(_section_url(world)).content.decode()
    assert_inert(html)
    if "<" in body and "\x00" not in body:
        assert_escaped_in(html, body.strip())


@examples(12)
@given(
    action=st.one_of(st.sampled_from(("start_review", "return", "accept")), hostile_text),
    summary=hostile_text,
    status=st.sampled_from(Response.Status.values),
)
def test_review_transitions_with_any_note_never_fail_and_a_refusal_changes_nothing(
    world, as_role, action, summary, status
):
    opened = status in (Response.Status.NOT_STARTED, Response.Status.IN_PROGRESS)
    Response.objects.filter(pk=world.response.pk).update(
        status=status, submitted_at=None if opened else timezone.now()
    )
    client = as_role(Role.REVIEWER)
    before = rows(Response, AuditEvent, Comment)
    reply = client.post(
        reverse("surveys:response_transition", args=[world.response.pk]),
        {"action": action, "summary": summary},
    )
    assert reply.status_code in (302, 404)
    if reply.status_code == 404 or any(m.level_tag == "error" for m in get_messages(reply.wsgi_request)):
        assert rows(Response, AuditEvent, Comment) == before
    else:
        page = client.get(world.response.get_absolute_url()).content.decode()
        assert_inert(page)


@examples(8)
@given(
    role=st.sampled_from((Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER)),
    extra=st.dictionaries(st.sampled_from(("confirm", "U-C-value", "action")), hostile_text, max_size=2),
    compliance=st.one_of(st.none(), st.sampled_from(("yes", ""))),
)
def test_submission_never_fails_and_a_refusal_changes_nothing(world, as_role, role, extra, compliance):
    if compliance is not None:
        Answer.objects.filter(response=world.response, question__code="U-C").update(value=compliance)
    client = as_role(role)
    before = rows(Response, AuditEvent)
    reply = client.post(reverse("surveys:response_submit", args=[world.response.pk]), extra)
    assert reply.status_code in (200, 302, 403)
    if reply.status_code != 302:
        assert rows(Response, AuditEvent) == before
    else:
        assert Response.objects.get(pk=world.response.pk).status == Response.Status.SUBMITTED


def test_starting_a_response_of_an_unknown_questionnaire_is_not_found(world, as_role):
    for code in ("\x00", "a\x00b", "<script>", "x" * 1000):
        reply = as_role(Role.FOCAL_POINT).post(reverse("surveys:response_list"), {"questionnaire": code})
        assert reply.status_code == 404


@examples(10)
@given(
    instrument=st.one_of(st.sampled_from(("UNTOC", "TIP", "untoc")), hostile_text),
    include=st.one_of(st.sampled_from(("1", "0")), hostile_text),
    role=st.sampled_from((Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER)),
)
def test_scope_never_fails_and_a_refusal_changes_nothing(world, as_role, instrument, include, role):
    client = as_role(role)
    before = rows(Response, AuditEvent)
    reply = client.post(
        reverse("surveys:response_scope", args=[world.response.pk]),
        {"instrument": instrument, "include": include},
    )
    assert reply.status_code in (302, 403, 404)
    if reply.status_code != 302:
        assert rows(Response, AuditEvent) == before


@examples(10)
@given(upload=uploads, title=plain_text)
def test_a_file_is_stored_only_when_its_content_is_an_accepted_kind(world, as_role, upload, title):
    """Whatever its name says, a file is judged by its content; a refused file leaves no row behind."""
    client = as_role(Role.FOCAL_POINT)
    before = rows(Attachment, Answer)
    content = upload.read()
    upload.seek(0)
    page = client.post(
        _section_url(world),
        {"U-F-base_version": _versions(world).get("U-F", 0), "U-F-upload": upload},
    )
    assert page.status_code in (302, 400)
    added = Attachment.objects.exclude(pk__in=[row[0] for row in before["Attachment"]])
    if page.status_code == 400:
        assert rows(Attachment, Answer) == before
        assert_inert(page.content.decode())
    else:
        # A file whose name Django's upload parser cannot make safe is not received at all: nothing to save.
        assert len(added) <= 1
        if not added:
            assert rows(Attachment, Answer) == before
        for attachment in added:
            assert attachment.file.read() == content
            assert not attachment.content_type.startswith("text/html")
        assert_inert(client.get(_section_url(world)).content.decode())
