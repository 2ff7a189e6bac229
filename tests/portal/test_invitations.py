import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.models import AuditEvent, Invitation, Role, User
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _token_from(mail):
    line = next(line for line in mail.body.splitlines() if "/invitation/" in line)
    return line.rstrip("/").rsplit("/", 1)[1]


def test_focal_point_invites_a_contributor_who_creates_an_account(
    client, focal_point, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:team"),
            {
                "full_name": "Nana Owusu",
                "email": "Nana@Example.org",
                "role": Role.CONTRIBUTOR,
                "language": "fr",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "nana@example.org"
    assert AuditEvent.objects.filter(action="invitation.sent", actor=focal_point).count() == 1

    # The e-mail goes out in the language chosen for the invitee, with a link into that language.
    [mail] = mailoutbox
    assert mail.to == ["nana@example.org"]
    assert "invitation" in mail.subject.lower()
    assert "/fr/invitation/" in mail.body
    token = _token_from(mail)
    assert invitation.token_hash != token  # only the hash is stored

    client.logout()
    url = reverse("portal:invitation_accept", args=[token])
    response = client.post(
        url,
        {"full_name": "Nana Owusu", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nana@example.org")
    assert user.role == Role.CONTRIBUTOR
    assert user.country == focal_point.country
    assert user.preferred_language == "fr"
    assert client.get(reverse("portal:home")).status_code == 200

    # The link works once.
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_expired_invitation_is_refused_with_a_clear_page(client):
    invitation = InvitationFactory(
        token="expired-token", expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    response = client.get(reverse("portal:invitation_accept", args=["expired-token"]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    response = client.post(
        reverse("portal:invitation_accept", args=["expired-token"]),
        {"full_name": "Late", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"},
    )
    assert response.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_expired_invitation_page_is_translated(client):
    InvitationFactory(token="old", expires_at=timezone.now() - timezone.timedelta(days=1))
    response = client.get("/es/invitation/old/")
    assert response.status_code == 410
    assert "Esta invitación ha caducado." in response.content.decode()


def test_unknown_invitation_link_is_not_found(client):
    assert client.get(reverse("portal:invitation_accept", args=["no-such-token"])).status_code == 404


def test_revoked_invitation_cannot_be_used(client, focal_point):
    invitation = InvitationFactory(token="revoked", country=focal_point.country)
    services.invitation_revoke(by=focal_point, invitation=invitation)
    response = client.get(reverse("portal:invitation_accept", args=["revoked"]))
    assert response.status_code == 410
    assert AuditEvent.objects.filter(action="invitation.revoked").exists()


def test_weak_password_keeps_what_was_typed(client):
    InvitationFactory(token="t1", full_name="Amina")
    response = client.post(
        reverse("portal:invitation_accept", args=["t1"]),
        {"full_name": "Amina Diallo", "password1": "12345", "password2": "12345"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'value="Amina Diallo"' in response.content.decode()
    assert not User.objects.exists()


def test_cannot_invite_an_existing_account(focal_point, contributor):
    with pytest.raises(Exception) as excinfo:
        services.invitation_send(
            by=focal_point,
            email=contributor.email.upper(),
            full_name="Again",
            role=Role.CONTRIBUTOR,
            base_url="http://testserver/",
        )
    assert "already has an account" in str(excinfo.value)


def test_service_refuses_forbidden_role_even_without_the_form(contributor):
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            by=contributor,
            email="a@example.org",
            full_name="A",
            role=Role.CONTRIBUTOR,
            base_url="http://testserver/",
        )


def test_second_focal_point_for_a_state_is_refused(administrator, focal_point):
    with pytest.raises(Exception) as excinfo:
        services.invitation_send(
            by=administrator,
            email="new.fp@example.org",
            full_name="New",
            role=Role.FOCAL_POINT,
            country=focal_point.country,
            base_url="http://testserver/",
        )
    assert "already has an active focal point" in str(excinfo.value)


def test_administrator_invites_a_provider_user(client, administrator, mailoutbox):
    from tests.factories import ProviderFactory

    provider = ProviderFactory()
    client.force_login(administrator)
    response = client.post(
        reverse("portal:team"),
        {
            "full_name": "Donor Person",
            "email": "d@fund.example",
            "role": Role.PROVIDER,
            "provider": provider.pk,
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get().provider == provider


def test_administrator_must_name_the_state_of_a_focal_point(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("portal:team"),
        {"full_name": "FP", "email": "fp@example.org", "role": Role.FOCAL_POINT, "language": "en"},
    )
    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    assert 'value="fp@example.org"' in response.content.decode()
