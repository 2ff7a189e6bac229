"""Who may open what in the shared core: each forbidden case is refused, on the server."""

import pytest
from django.urls import reverse

from portal.models import Invitation, Role
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    for name in ("portal:home", "portal:country_list", "portal:team"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.REVIEWER, Role.PROVIDER])
def test_roles_without_a_team_cannot_open_the_team_page(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("portal:team")).status_code == 403


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.REVIEWER, Role.PROVIDER])
def test_roles_without_a_team_cannot_invite(client, users_by_role, role, mailoutbox):
    client.force_login(users_by_role[role])
    response = client.post(
        reverse("portal:team"), {"full_name": "X", "email": "x@example.org", "role": Role.CONTRIBUTOR}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_focal_point_sees_only_own_state_team(client, focal_point, contributor, other_focal_point):
    client.force_login(focal_point)
    page = client.get(reverse("portal:team")).content.decode()
    assert contributor.email in page
    assert other_focal_point.email not in page


def test_focal_point_cannot_withdraw_another_states_invitation(client, focal_point, state_b):
    foreign = InvitationFactory(country=state_b)
    client.force_login(focal_point)
    response = client.post(reverse("portal:invitation_revoke", args=[foreign.pk]))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_focal_point_invitation_is_always_for_own_state(client, focal_point, state_b, mailoutbox):
    client.force_login(focal_point)
    response = client.post(
        reverse("portal:team"),
        {
            "full_name": "Intruder",
            "email": "x@example.org",
            "role": Role.CONTRIBUTOR,
            "country": state_b.pk,
            "language": "en",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.country == focal_point.country


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.REVIEWER, Role.ADMINISTRATOR, Role.PROVIDER])
def test_focal_point_cannot_invite_other_roles(client, focal_point, role):
    client.force_login(focal_point)
    response = client.post(
        reverse("portal:team"),
        {"full_name": "Someone", "email": "s@example.org", "role": role, "language": "en"},
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_admin_site_refuses_non_staff(client, users_by_role):
    for role, user in users_by_role.items():
        client.force_login(user)
        response = client.get("/en/admin/")
        expected = 200 if role == Role.ADMINISTRATOR else 302
        assert response.status_code == expected, role


def test_secretariat_administrator_sees_every_team(client, administrator, contributor, other_focal_point):
    client.force_login(administrator)
    page = client.get(reverse("portal:team")).content.decode()
    assert contributor.email in page
    assert other_focal_point.email in page
