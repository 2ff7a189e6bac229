"""Technical assistance: the needs States reveal, the providers that can meet them, the activities that
match one to the other, and the voluntary contributions to the account under UNTOC article 30 (2)(c)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import Country, RegionalGroup, TimeStampedModel


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


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


class Need(TimeStampedModel):
    """One kind of technical assistance that one State needs, for one provision or more generally.

    Needs come from the assistance block of a State's answers (kept in step with the answer) or are
    recorded by the Secretariat. Providers see a need only once the State's focal point has shared it.
    """

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        SHARED = "shared", _("Shared")
        MATCHED = "matched", _("Matched")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        ANSWER = "answer", _("From the State's answers")
        SECRETARIAT = "secretariat", _("Recorded by the Secretariat")

    country = models.ForeignKey(
        Country,
        verbose_name=_("State"),
        on_delete=models.PROTECT,
        related_name="assistance_needs",
        help_text=_("The State that needs the assistance."),
    )
    instrument = models.ForeignKey(
        "surveys.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="assistance_needs",
        help_text=_("The Convention or Protocol concerned."),
    )
    provision = models.ForeignKey(
        "surveys.Provision",
        verbose_name=_("provision"),
        on_delete=models.PROTECT,
        related_name="assistance_needs",
        null=True,
        blank=True,
        help_text=_("The provision concerned, if the need is about one."),
    )
    kind = models.ForeignKey(
        "surveys.AssistanceKind",
        verbose_name=_("kind of assistance"),
        on_delete=models.PROTECT,
        related_name="needs",
        help_text=_("What kind of assistance would help."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What is needed, in the State's words.")
    )
    priority = models.CharField(
        _("priority"),
        max_length=8,
        choices=Priority.choices,
        default=Priority.MEDIUM,
        help_text=_("How urgent."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED, db_index=True
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, help_text=_("Where it comes from.")
    )
    questionnaire = models.ForeignKey(
        "surveys.Questionnaire",
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="assistance_needs",
        null=True,
        blank=True,
        help_text=_("The reporting cycle in which it was identified."),
    )
    answer = models.ForeignKey(
        "surveys.Answer",
        verbose_name=_("answer"),
        on_delete=models.PROTECT,
        related_name="assistance_needs",
        null=True,
        blank=True,
        help_text=_("The answer it comes from, for needs from answers."),
    )
    in_answer = models.BooleanField(
        _("still in the answer"),
        default=True,
        help_text=_("False once the State's answer no longer asks for it."),
    )
    shared_at = models.DateTimeField(
        _("shared at"), null=True, blank=True, help_text=_("When the focal point agreed to share it.")
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The focal point who agreed to share it."),
    )
    activity = models.ForeignKey(
        "Activity",
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        help_text=_("The assistance activity that covers it: at most one."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who recorded it (or whose answer created it)."),
    )

    class Meta:
        verbose_name = _("assistance need")
        verbose_name_plural = _("assistance needs")
        ordering = ["country__name", "instrument__position", "provision__code", "kind__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "kind"],
                condition=Q(answer__isnull=False),
                name="need_one_per_answer_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(source="answer", answer__isnull=False)
                | Q(source="secretariat", answer__isnull=True),
                name="need_source_matches_answer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["identified", "withdrawn"]) | Q(shared_at__isnull=False),
                name="need_shared_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["matched", "in_progress", "met"], activity__isnull=False)
                | Q(~Q(status__in=["matched", "in_progress", "met"]), activity__isnull=True),
                name="need_matched_has_activity",
            ),
        ]

    def __str__(self):
        return f"{self.country} · {self.provision or self.instrument} · {self.kind}"

    def get_absolute_url(self):
        return reverse("assistance:need_detail", args=[self.pk])

    @property
    def is_shared(self):
        return self.shared_at is not None and self.status != self.Status.IDENTIFIED


class Activity(TimeStampedModel):
    """Assistance that one provider delivers to one State, covering some of that State's needs."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200, help_text=_("Short name of the activity."))
    description = models.TextField(_("description"), blank=True, help_text=_("What will be done."))
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="activities",
        help_text=_("Who delivers or funds it."),
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("beneficiary State"),
        on_delete=models.PROTECT,
        related_name="assistance_activities",
        help_text=_("The State that receives it."),
    )
    starts_on = models.DateField(
        _("starts on"), null=True, blank=True, help_text=_("Planned or actual start.")
    )
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Planned or actual end."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The Secretariat officer who matched it."),
    )

    class Meta:
        verbose_name = _("assistance activity")
        verbose_name_plural = _("assistance activities")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="activity_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assistance:activity_detail", args=[self.pk])


class Offer(TimeStampedModel):
    """A provider's offer to help with one shared need; the Secretariat accepts it into an activity."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("offer status", "Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="offers"
    )
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="offers")
    message = models.TextField(
        _("what is offered"), help_text=_("How the provider would help, when, with what.")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        help_text=_("The activity it became, once accepted."),
    )
    decision_note = models.TextField(_("note on the decision"), blank=True, help_text=_("Why, if declined."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The provider's user who made it."),
    )

    class Meta:
        verbose_name = _("offer of assistance")
        verbose_name_plural = _("offers of assistance")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "need"],
                condition=Q(status="open"),
                name="offer_one_open_per_provider_need",
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", activity__isnull=False) | ~Q(status="accepted"),
                name="offer_accepted_has_activity",
            ),
        ]

    def __str__(self):
        return f"{self.provider} → {self.need}"


def currency_field(verbose_name):
    return models.CharField(verbose_name, max_length=3, help_text=_("ISO 4217 code, e.g. EUR."))


class ExchangeRate(TimeStampedModel):
    """A United Nations operational rate of exchange: units of a currency per United States dollar, for a month."""

    currency = currency_field(_("currency"))
    month = models.DateField(_("month"), help_text=_("First day of the month the rate applies to."))
    units_per_usd = models.DecimalField(
        _("units per US dollar"),
        max_digits=20,
        decimal_places=6,
        help_text=_("As published by the United Nations."),
    )

    class Meta:
        verbose_name = _("operational rate of exchange")
        verbose_name_plural = _("operational rates of exchange")
        ordering = ["-month", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="rate_one_per_currency_month"),
            models.CheckConstraint(condition=Q(units_per_usd__gt=0), name="rate_positive"),
            models.CheckConstraint(condition=Q(month__day=1), name="rate_month_first_day"),
        ]

    def __str__(self):
        return f"{self.currency} {self.month:%Y-%m} {self.units_per_usd}"


class Earmark(models.TextChoices):
    UNEARMARKED = "unearmarked", _("Unearmarked")
    INSTRUMENT = "instrument", _("An instrument")
    REGION = "region", _("A region")
    COUNTRY = "country", _("A State")
    NEEDS = "needs", _("Specific needs")


class Contribution(TimeStampedModel):
    """One dated transaction on the account under article 30 (2)(c): a pledge, a commitment or a receipt,
    in its own currency, with its United States dollar equivalent at the operational rate of its month."""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("Pledge")
        COMMITMENT = "commitment", _("Commitment")
        RECEIPT = "receipt", _("Receipt")

    donor = models.ForeignKey(
        Provider, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(_("transaction"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("value date"), help_text=_("The date of the pledge, agreement or receipt."))
    currency = currency_field(_("currency"))
    amount = models.DecimalField(
        _("amount"), max_digits=18, decimal_places=3, help_text=_("In the transaction's own currency.")
    )
    rate = models.DecimalField(
        _("rate used"), max_digits=20, decimal_places=6, help_text=_("Units of the currency per US dollar.")
    )
    rate_month = models.DateField(_("rate of"), help_text=_("The month of the operational rate used."))
    amount_usd = models.DecimalField(
        _("amount in US dollars"),
        max_digits=18,
        decimal_places=2,
        help_text=_("At the rate used, to the cent."),
    )
    pledge = models.ForeignKey(
        "self",
        verbose_name=_("pledge fulfilled"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfilments",
        help_text=_("For a commitment or receipt: the pledge it fulfils, if any."),
    )
    earmark = models.CharField(
        _("earmarking"), max_length=12, choices=Earmark.choices, default=Earmark.UNEARMARKED
    )
    earmarked_instrument = models.ForeignKey(
        "surveys.Instrument",
        verbose_name=_("earmarked to instrument"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When earmarked to an instrument."),
    )
    earmarked_region = models.CharField(
        _("earmarked to region"),
        max_length=32,
        choices=RegionalGroup.choices,
        blank=True,
        help_text=_("When earmarked to a region."),
    )
    earmarked_country = models.ForeignKey(
        Country,
        verbose_name=_("earmarked to State"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When earmarked to a State."),
    )
    earmarked_needs = models.ManyToManyField(
        Need,
        verbose_name=_("earmarked to needs"),
        blank=True,
        related_name="contributions",
        help_text=_("When earmarked to specific needs."),
    )
    reference = models.CharField(
        _("reference"), max_length=120, blank=True, help_text=_("Agreement or receipt number.")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Anything worth knowing."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The Secretariat officer who recorded it."),
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_amount_positive"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="contribution_rate_positive"),
            models.CheckConstraint(
                condition=Q(kind="pledge", pledge__isnull=True) | ~Q(kind="pledge"),
                name="contribution_pledge_fulfils_nothing",
            ),
            models.CheckConstraint(
                condition=~Q(earmark="instrument", earmarked_instrument__isnull=True)
                & ~Q(earmark="region", earmarked_region="")
                & ~Q(earmark="country", earmarked_country__isnull=True),
                name="contribution_earmark_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.donor} {self.get_kind_display()} {self.amount} {self.currency} ({self.date})"

    def get_absolute_url(self):
        return reverse("assistance:contribution_detail", args=[self.pk])


CENT = Decimal("0.01")
