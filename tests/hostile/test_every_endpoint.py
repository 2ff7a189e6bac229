"""Every URL of the portal, as every kind of person (and nobody), with arbitrary hostile input in the
query string, the form fields it reads, its files and its path: never a server error."""

import pytest
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.models import Role

from .endpoints import URL_KWARGS, form_field_names, walk, walked_names
from .strategies import date_text, examples, hostile_text, number_text, uploads

pytestmark = pytest.mark.django_db

FIELDS = form_field_names()
FILE_FIELDS = ("file", "upload", "U-F-upload", "U-L-upload")
ROLES = (None, Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER, Role.ADMINISTRATOR, Role.PROVIDER)

field_value = st.one_of(hostile_text, number_text, date_text, st.lists(hostile_text, min_size=2, max_size=3))
form_data = st.dictionaries(st.sampled_from(FIELDS), field_value, max_size=8)
files = st.dictionaries(st.sampled_from(FILE_FIELDS), uploads, max_size=1)


def test_every_url_of_the_portal_is_walked():
    """A new page or action is walked here as soon as it exists (add its arguments to URL_KWARGS)."""
    assert walked_names() == set(URL_KWARGS)


def test_the_field_vocabulary_holds_the_forms_fields():
    for name in (
        "body",
        "summary",
        "amount",
        "currency",
        "file",
        "email",
        "full_name",
        "U-T-value",
        "deadline",
    ):
        assert name in FIELDS


def _sign_in(client, world, role):
    client.logout()
    if role is not None:
        client.force_login(world.users[role])


@pytest.mark.parametrize("url_name", sorted(URL_KWARGS))
@examples(4)
@given(data=st.data())
def test_no_server_error_whatever_is_sent(client, world, url_name, data):
    role = data.draw(st.sampled_from(ROLES), label="role")
    _sign_in(client, world, role)
    url = reverse(url_name, kwargs=URL_KWARGS[url_name](world))
    method = data.draw(st.sampled_from(("get", "post", "post")), label="method")
    payload = data.draw(form_data, label="data")
    if method == "post":
        payload.update(data.draw(files, label="files"))
    reply = getattr(client, method)(url, payload)
    assert reply.status_code < 500, (url_name, role, method)


STR_ARGUMENTS = sorted(
    (name, key)
    for name, pattern in walk()
    if name in URL_KWARGS
    for key, converter in pattern.pattern.converters.items()
    if type(converter).__name__ in ("StringConverter", "SlugConverter", "PathConverter")
)


@pytest.mark.parametrize(("url_name", "argument"), STR_ARGUMENTS)
@examples(2)
@given(data=st.data())
def test_no_server_error_whatever_is_in_the_path(client, world, url_name, argument, data):
    role = data.draw(st.sampled_from(ROLES[1:]), label="role")
    _sign_in(client, world, role)
    kwargs = URL_KWARGS[url_name](world)
    kwargs[argument] = data.draw(st.one_of(hostile_text, number_text).filter(bool), label=argument)
    try:
        url = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return  # a "/" or a non-slug character: no URL of this shape exists, the router answers 404
    for method in ("get", "post"):
        assert getattr(client, method)(url).status_code < 500, (url_name, role, method)
