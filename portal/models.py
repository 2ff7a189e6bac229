"""Shared core: States and their treaty status, people and their roles, invitations, the audit trail."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Treaty(models.TextChoices):
    """The Convention and its three Protocols: the instruments a State can be party to."""

    UNTOC = "UNTOC", _("Organized Crime Convention")
    TIP = "TIP", _("Trafficking in Persons Protocol")
    SOM = "SOM", _("Smuggling of Migrants Protocol")
    FA = "FA", _("Firearms Protocol")


class RegionalGroup(models.TextChoices):
    AFRICAN = "african", _("African States")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific States")
    EASTERN_EUROPEAN = "eastern_european", _("Eastern European States")
    LATIN_AMERICAN_CARIBBEAN = "latin_american_caribbean", _("Latin American and Caribbean States")
    WESTERN_EUROPEAN_OTHERS = "western_european_others", _("Western European and other States")


class Country(TimeStampedModel):
    """A State (or regional economic integration organization) that may report under the Convention."""

    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", _("United Nations Member State")
        OBSERVER_STATE = "observer_state", _("Non-member observer State")
        NON_MEMBER_STATE = "non_member_state", _("Non-member State")
        REGIONAL_ORGANIZATION = "regional_organization", _("Regional economic integration organization")

    iso2 = models.CharField(
        _("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. FR.")
    )
    iso3 = models.CharField(
        _("ISO alpha-3 code"), max_length=3, unique=True, help_text=_("ISO 3166-1 alpha-3 code, e.g. FRA.")
    )
    name = models.CharField(
        _("name"), max_length=120, help_text=_("Short name as used by the United Nations.")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.MEMBER_STATE)
    regional_group = models.CharField(
        _("regional group"),
        max_length=32,
        choices=RegionalGroup.choices,
        blank=True,
        help_text=_("United Nations regional group; empty for entities outside the groups."),
    )

    class Meta:
        verbose_name = _("State")
        verbose_name_plural = _("States")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2_upper"),
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_upper"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:country_detail", kwargs={"iso2": self.iso2})


class TreatyParticipation(TimeStampedModel):
    """Whether a State signed or is party to one instrument, with the dates where known."""

    class Status(models.TextChoices):
        PARTY = "party", _("Party")
        SIGNATORY = "signatory", _("Signatory")
        NONE = "none", _("Not a party")

    country = models.ForeignKey(
        Country, verbose_name=_("State"), on_delete=models.CASCADE, related_name="participations"
    )
    treaty = models.CharField(_("instrument"), max_length=8, choices=Treaty.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NONE)
    signed_on = models.DateField(_("signature"), null=True, blank=True, help_text=_("Date of signature."))
    party_since = models.DateField(
        _("party since"),
        null=True,
        blank=True,
        help_text=_("Date of ratification, acceptance, approval or accession."),
    )

    class Meta:
        verbose_name = _("treaty participation")
        verbose_name_plural = _("treaty participations")
        ordering = ["country", "treaty"]
        constraints = [
            models.UniqueConstraint(fields=["country", "treaty"], name="participation_unique_treaty"),
            models.CheckConstraint(
                condition=Q(party_since__isnull=True) | Q(status="party"),
                name="participation_date_only_for_party",
            ),
            models.CheckConstraint(
                condition=~Q(status="none") | Q(signed_on__isnull=True),
                name="participation_none_has_no_signature",
            ),
        ]

    def __str__(self):
        return f"{self.country} · {self.get_treaty_display()}: {self.get_status_display()}"


class Role(models.TextChoices):
    FOCAL_POINT = "focal_point", _("National focal point")
    CONTRIBUTOR = "contributor", _("National contributor")
    REVIEWER = "reviewer", _("Secretariat reviewer")
    ADMINISTRATOR = "administrator", _("Secretariat administrator")
    PROVIDER = "provider", _("Assistance provider")


NATIONAL_ROLES = (Role.FOCAL_POINT, Role.CONTRIBUTOR)
SECRETARIAT_ROLES = (Role.REVIEWER, Role.ADMINISTRATOR)


# National roles belong to one State, providers to one organization, the Secretariat to neither: the
# same rule for accounts and for the invitations that create them.
ROLE_MATCHES_AFFILIATION = (
    Q(role__in=NATIONAL_ROLES, country__isnull=False, provider__isnull=True)
    | Q(role=Role.PROVIDER, country__isnull=True, provider__isnull=False)
    | Q(role__in=SECRETARIAT_ROLES, country__isnull=True, provider__isnull=True)
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        # E-mail addresses are stored in lower case; people type them as they like.
        return self.get(email__iexact=email)

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.ADMINISTRATOR)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Each has exactly one role; national roles belong to one State."""

    email = models.EmailField(_("e-mail address"), unique=True, help_text=_("Used to sign in."))
    full_name = models.CharField(
        _("full name"), max_length=150, help_text=_("As it should appear to others.")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("State"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("The State a focal point or contributor works for."),
    )
    provider = models.ForeignKey(
        "assistance.Provider",
        verbose_name=_("assistance provider"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("The organization or donor an assistance provider works for."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Language of the e-mails the portal sends to this person."),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive people cannot sign in."))
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the administration site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=ROLE_MATCHES_AFFILIATION,
                name="user_role_matches_affiliation",
            ),
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(role=Role.FOCAL_POINT, is_active=True),
                name="user_one_active_focal_point_per_state",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_secretariat(self):
        return self.role in SECRETARIAT_ROLES

    @property
    def is_national(self):
        return self.role in NATIONAL_ROLES


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token: str):
        return self.filter(token_hash=_hash_token(token))


class Invitation(TimeStampedModel):
    """A one-time link that lets a named person create an account with a given role."""

    email = models.EmailField(_("e-mail address"), help_text=_("Where the activation link is sent."))
    full_name = models.CharField(_("full name"), max_length=150, help_text=_("Name of the invited person."))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("State"),
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
        help_text=_("The State the invited person will work for."),
    )
    provider = models.ForeignKey(
        "assistance.Provider",
        verbose_name=_("assistance provider"),
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
        help_text=_("The organization the invited person will work for."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Language of the invitation e-mail."),
    )
    token_hash = models.CharField(
        _("token hash"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("SHA-256 of the secret link."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        help_text=_("Who sent the invitation."),
    )
    expires_at = models.DateTimeField(
        _("expires at"), help_text=_("The link stops working after this moment.")
    )
    accepted_at = models.DateTimeField(
        _("accepted at"), null=True, blank=True, help_text=_("When it was used.")
    )
    accepted_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        help_text=_("The account created from this invitation."),
    )
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, help_text=_("When it was withdrawn.")
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=ROLE_MATCHES_AFFILIATION,
                name="invitation_role_matches_affiliation",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """Return a fresh secret token and the hash stored for it."""
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class AuditEvent(models.Model):
    """One line of the append-only record of who changed what, when and from where."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text=_("The person who acted; empty for the system."),
    )
    actor_email = models.EmailField(
        _("e-mail at the time"), blank=True, help_text=_("Kept if the account goes.")
    )
    action = models.CharField(_("action"), max_length=64, db_index=True, help_text=_("e.g. invitation.sent"))
    object_type = models.CharField(_("object type"), max_length=64, blank=True, help_text=_("Model label."))
    object_id = models.CharField(_("object id"), max_length=64, blank=True, help_text=_("Primary key."))
    country = models.ForeignKey(
        Country,
        verbose_name=_("State"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text=_("The State whose data this concerns, if any."),
    )
    summary = models.CharField(_("summary"), max_length=255, help_text=_("Human-readable description."))
    data = models.JSONField(_("details"), default=dict, blank=True, help_text=_("Values before and after."))
    ip_address = models.GenericIPAddressField(
        _("address"), null=True, blank=True, help_text=_("Client address.")
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action}"
