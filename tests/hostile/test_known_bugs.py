"""Server errors the hostile-input tests found in code other engineers are still writing, reported to
them instead of fixed here. Each test shows the bug and is expected to fail with it (strict): once the
bug is fixed it passes, the suite says so, and the test becomes an ordinary regression test."""

import pytest
from django.urls import NoReverseMatch, reverse

from assistance.models import Offer
from portal.models import Role

from .test_every_endpoint import KNOWN_BUGS

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(
    strict=True,
    raises=NoReverseMatch,
    reason="portal/views_auth.py sends people on to `next` with redirect(), which reads a text that is "
    "neither a path nor a URL as the name of a view",
)
@pytest.mark.parametrize("url_name", sorted(KNOWN_BUGS))
def test_a_next_that_is_not_a_path_is_not_a_server_error(world, as_role, url_name):
    client = as_role(Role.FOCAL_POINT)  # needs no second factor: sent on at once
    assert client.get(reverse(url_name), {"next": '"><img src=x onerror=alert(1)>'}).status_code < 500


@pytest.mark.xfail(
    strict=True,
    raises=AttributeError,
    reason="assistance/views_activities.py activity_from_offer adds an error to an unbound form (the page "
    "opened, or posted empty): 'ActivityForm' object has no attribute 'cleaned_data'",
)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("status", [Offer.Status.DECLINED, Offer.Status.WITHDRAWN])
def test_the_match_page_of_an_offer_no_longer_open_says_so(world, as_role, status, method):
    Offer.objects.filter(pk=world.offer.pk).update(status=status)
    client = as_role(Role.REVIEWER)
    reply = getattr(client, method)(reverse("assistance:offer_match", args=[world.offer.pk]))
    assert reply.status_code == 200
    assert "This offer is no longer open." in reply.content.decode()
