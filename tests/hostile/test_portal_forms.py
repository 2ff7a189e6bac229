"""The portal's own forms with hostile input: signing in, invitations (sent and accepted), password
reset and the language switch. Never a server error; a refusal changes nothing; names are text."""

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.models import AuditEvent, Invitation, Role, User

from .checks import assert_escaped_in, assert_inert, rows
from .strategies import MARKUP, examples, hostile_text
from .world import INVITATION_TOKEN

pytestmark = pytest.mark.django_db

emails = st.one_of(
    st.sampled_from(
        (
            "focal@alphaland.example",
            "FOCAL@ALPHALAND.EXAMPLE",
            "focal@alphaland.example\x00",
            "a@b",
            "<script>@x.org",
            '"><img src=x onerror=alert(1)>@x.org',
            "new.person@example.org",
            "x" * 240 + "@example.org",  # longer: see test_reported_bugs.py
        )
    ),
    st.emails().map(str),
    hostile_text,
)
names = st.one_of(
    st.builds(lambda markup, tail: markup + tail, st.sampled_from(MARKUP), st.text("abc ", max_size=8)),
    hostile_text,
)


@examples(12)
@given(username=emails, password=hostile_text)
def test_signing_in_with_anything_never_fails_and_changes_no_account(world, as_role, username, password):
    client = as_role(None)
    before = rows(User)
    reply = client.post(reverse("login"), {"username": username, "password": password})
    assert reply.status_code in (200, 429)
    assert rows(User) == before
    assert "_auth_user_id" not in client.session
    assert_inert(reply.content.decode())


@examples(12)
@given(
    role=st.sampled_from((Role.FOCAL_POINT, Role.ADMINISTRATOR)),
    full_name=names,
    email=emails,
    invited_role=st.one_of(st.sampled_from(Role.values), hostile_text),
    language=st.one_of(st.sampled_from(("en", "ar", "zh-hans")), hostile_text),
    country=st.one_of(st.just("world"), hostile_text),
)
def test_an_invitation_is_sent_or_refused_and_names_are_text(
    world, as_role, role, full_name, email, invited_role, language, country
):
    client = as_role(role)
    before = rows(Invitation, AuditEvent)
    sent = len(mail.outbox)
    form = {
        "full_name": full_name,
        "email": email,
        "role": invited_role,
        "language": language,
        "country": world.country.pk if country == "world" else country,
    }
    reply = client.post(reverse("portal:team"), form)
    assert reply.status_code in (200, 302)
    if reply.status_code == 200:
        assert rows(Invitation, AuditEvent) == before
        assert len(mail.outbox) == sent
        assert_inert(reply.content.decode())
    else:
        page = client.get(reverse("portal:team")).content.decode()
        assert_escaped_in(page, Invitation.objects.latest("pk").full_name)
        message = mail.outbox[-1]
        assert message.content_subtype == "plain" or "<script" not in message.body


@examples(12)
@given(full_name=names, password1=hostile_text, same=st.booleans(), other=hostile_text)
def test_accepting_an_invitation_with_anything_never_fails_and_a_refusal_creates_nobody(
    world, as_role, full_name, password1, same, other
):
    client = as_role(None)
    before = rows(User, Invitation)
    reply = client.post(
        reverse("portal:invitation_accept", args=[INVITATION_TOKEN]),
        {"full_name": full_name, "password1": password1, "password2": password1 if same else other},
    )
    assert reply.status_code in (200, 302, 410)
    if reply.status_code != 302:
        assert rows(User, Invitation) == before
        assert_inert(reply.content.decode())
    else:
        user = User.objects.get(email=world.invitation.email)
        assert_escaped_in(client.get(reply["Location"]).content.decode(), user.full_name)


@examples(10)
@given(email=emails)
def test_password_reset_for_any_address_never_fails_and_changes_no_account(world, as_role, email):
    client = as_role(None)
    before = rows(User)
    reply = client.post(reverse("password_reset"), {"email": email})
    assert reply.status_code in (200, 302)
    assert rows(User) == before


@examples(12)
@given(
    role=st.sampled_from((None, Role.FOCAL_POINT, Role.REVIEWER)),
    language=st.one_of(st.sampled_from(("fr", "ar", "zh-hans", "xx", "EN")), hostile_text),
    next_url=st.one_of(
        st.sampled_from(("/fr/", "//evil.example/", "https://evil.example/", "javascript:alert(1)")),
        hostile_text,
    ),
)
def test_the_language_switch_keeps_only_a_known_language_and_a_local_address(
    world, as_role, role, language, next_url
):
    client = as_role(role)
    reply = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert reply.status_code in (200, 204, 302)
    location = reply.get("Location", "")
    assert not location.startswith(("//", "http:", "https:", "javascript:")), location
    for user in world.users.values():
        user.refresh_from_db()
        assert user.preferred_language in ("", "en", "ar", "zh-hans", "fr", "ru", "es")
