"""Writes for the shared core: invitations and accounts. Each service validates, writes in a transaction
and records an audit event."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assistance.models import Provider

from . import permissions
from .audit import audit_record
from .models import Country, Invitation, Role, User


class InvitationUnusable(Exception):
    """The link is unknown, expired, revoked or already used. `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _send_invitation_email(*, invitation: Invitation, token: str, base_url: str) -> None:
    with translation.override(invitation.language):
        path = reverse("portal:invitation_accept", kwargs={"token": token})
        context = {"invitation": invitation, "url": base_url.rstrip("/") + path}
        subject = render_to_string("portal/email/invitation_subject.txt", context).strip()
        body = render_to_string("portal/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invitation_send(
    *,
    by: User,
    email: str,
    full_name: str,
    role: str,
    country: Country | None = None,
    provider: Provider | None = None,
    language: str = "en",
    base_url: str,
    ip_address: str | None = None,
) -> Invitation:
    """Invite a person to the portal with a role. Focal points may only invite contributors of their State."""
    if by.role == Role.FOCAL_POINT:
        country = by.country
    if not permissions.can_invite(by, role=role, country=country):
        raise PermissionDenied(_("You may not invite someone with this role."))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this e-mail address already has an account.")})
    if Invitation.objects.pending().filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This person already has an invitation waiting to be accepted.")})
    if (
        role == Role.FOCAL_POINT
        and User.objects.filter(country=country, role=Role.FOCAL_POINT, is_active=True).exists()
    ):
        raise ValidationError(
            {"role": _("This State already has an active focal point. Deactivate that account first.")}
        )
    token, token_hash = Invitation.new_token()
    invitation = Invitation(
        email=email,
        full_name=full_name.strip(),
        role=role,
        country=country if role in (Role.FOCAL_POINT, Role.CONTRIBUTOR) else None,
        provider=provider if role == Role.PROVIDER else None,
        language=language,
        token_hash=token_hash,
        invited_by=by,
        expires_at=Invitation.default_expiry(),
    )
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        audit_record(
            actor=by,
            action="invitation.sent",
            summary=f"Invited {email} as {role}",
            target=invitation,
            country=invitation.country,
            data={"email": email, "role": role, "expires_at": invitation.expires_at.isoformat()},
            ip_address=ip_address,
        )
        transaction.on_commit(
            lambda: _send_invitation_email(invitation=invitation, token=token, base_url=base_url)
        )
    return invitation


def invitation_get_usable(*, token: str) -> Invitation:
    """The pending invitation behind a link, or `InvitationUnusable` saying why it cannot be used."""
    invitation = Invitation.objects.for_token(token).select_related("country", "provider").first()
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked")
    if invitation.is_expired:
        raise InvitationUnusable("expired")
    return invitation


def invitation_accept(*, token: str, full_name: str, password: str, ip_address: str | None = None) -> User:
    """Create the invited person's account. The link works once."""
    with transaction.atomic():
        invitation = invitation_get_usable(token=token)
        # Lock the row so that two simultaneous clicks cannot both create an account.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationUnusable("used")
        user = User(
            email=invitation.email,
            full_name=full_name.strip() or invitation.full_name,
            role=invitation.role,
            country=invitation.country,
            provider=invitation.provider,
            preferred_language=invitation.language,
            # Secretariat administrators maintain reference data and questionnaires in the admin site.
            is_staff=invitation.role == Role.ADMINISTRATOR,
            is_superuser=invitation.role == Role.ADMINISTRATOR,
        )
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        try:
            user.save()
        except IntegrityError as exc:
            raise ValidationError(_("This account could not be created; ask for a new invitation.")) from exc
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user", "updated_at"])
        audit_record(
            actor=user,
            action="invitation.accepted",
            summary=f"{user.email} accepted the invitation and created an account",
            target=invitation,
            country=invitation.country,
            data={"role": user.role},
            ip_address=ip_address,
        )
    return user


def invitation_revoke(*, by: User, invitation: Invitation, ip_address: str | None = None) -> Invitation:
    if not permissions.can_revoke_invitation(by, invitation):
        raise PermissionDenied(_("You may not withdraw this invitation."))
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=by,
            action="invitation.revoked",
            summary=f"Withdrew the invitation of {invitation.email}",
            target=invitation,
            country=invitation.country,
            ip_address=ip_address,
        )
    return invitation


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a person chose, for the e-mails the portal sends them."""
    if language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return user
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user
