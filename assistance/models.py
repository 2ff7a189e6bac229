"""Technical assistance: the providers that offer it (needs, activities and contributions follow)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Country, TimeStampedModel


class Provider(TimeStampedModel):
    """A donor State, an intergovernmental or non-governmental organization, or a private donor."""

    class Kind(models.TextChoices):
        DONOR_STATE = "donor_state", _("Donor State")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organization")
        NON_GOVERNMENTAL = "non_governmental", _("Non-governmental organization")
        PRIVATE = "private", _("Private donor")

    name = models.CharField(_("name"), max_length=200, unique=True, help_text=_("Official name."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("State"),
        on_delete=models.PROTECT,
        related_name="providers",
        null=True,
        blank=True,
        help_text=_("For a donor State: the State itself."),
    )
    website = models.URLField(_("website"), blank=True, help_text=_("Public address, if any."))

    class Meta:
        verbose_name = _("assistance provider")
        verbose_name_plural = _("assistance providers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="donor_state", country__isnull=False) | ~Q(kind="donor_state"),
                name="provider_donor_state_has_country",
            ),
        ]

    def __str__(self):
        return self.name
