import pytest
from django.urls import reverse

from portal.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.FOCAL_POINT, ["Team", "States"], []),
        (Role.CONTRIBUTOR, ["States"], ["Team"]),
        (Role.REVIEWER, ["States"], ["Team"]),
        (Role.ADMINISTRATOR, ["Team", "States", "Administration"], []),
        (Role.PROVIDER, ["States"], ["Team"]),
    ],
)
def test_home_page_per_role(client, users_by_role, role, expected, absent):
    client.force_login(users_by_role[role])
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    navigation = [item.label for item in response.context["items"]]
    for label in expected:
        assert label in navigation or label in response.content.decode()
    for label in absent:
        assert label not in navigation


def test_missing_object_is_a_translated_404_without_a_trace(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/ru/states/ZZ/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Страница не найдена" in page
    assert "Traceback" not in page


def test_team_page_query_count_does_not_grow_with_people(
    client, administrator, django_assert_max_num_queries
):
    from tests.factories import InvitationFactory, UserFactory

    client.force_login(administrator)
    UserFactory.create_batch(3, contributor=True)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("portal:team"))
    UserFactory.create_batch(30, contributor=True)
    InvitationFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:team"))


def test_static_assets_are_served_by_the_portal(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/bootstrap/css/bootstrap.rtl.min.css")
    assert finders.find("vendor/bootstrap/js/bootstrap.bundle.min.js")


def test_health_check_answers_without_a_language_or_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response.content == b"ok"
