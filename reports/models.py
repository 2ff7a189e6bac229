"""Conference sessions and the PDF reports built for them in the background."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel


class ConferenceSession(TimeStampedModel):
    """A session of the Conference of the Parties, for which the Secretariat issues reports."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, help_text=_("Ordinal of the session, e.g. 13 for the thirteenth session.")
    )
    title = models.CharField(_("title"), max_length=255, help_text=_("Official title of the session."))
    start_date = models.DateField(_("opens on"), help_text=_("First day of the session."))
    end_date = models.DateField(_("closes on"), help_text=_("Last day of the session."))
    venue = models.CharField(_("venue"), max_length=200, help_text=_("City and building, e.g. Vienna."))
    symbol_prefix = models.CharField(
        _("document symbol prefix"),
        max_length=40,
        help_text=_("Start of the symbols of the session's documents, e.g. CTOC/COP/2026/."),
    )
    data_cutoff = models.DateField(
        _("data cut-off date"),
        help_text=_("Reports state that they use the data as it stood on this date."),
    )
    questionnaire = models.ForeignKey(
        "surveys.Questionnaire",
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="conference_sessions",
        help_text=_("The questionnaire version (reporting cycle) whose answers the reports use."),
    )

    class Meta:
        verbose_name = _("Conference session")
        verbose_name_plural = _("Conference sessions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(symbol_prefix__regex=r"^[A-Z0-9][A-Z0-9./]*/$"),
                name="session_symbol_prefix_format",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:session_detail", kwargs={"number": self.number})

    @property
    def cutoff_at(self) -> datetime:
        """The last moment of the data cut-off day in settings.TIME_ZONE: the reports use the data as they
        stood then (answers, replies, needs saved after it are left out)."""
        day_after = datetime.combine(self.data_cutoff + timedelta(days=1), time.min)
        return day_after.replace(tzinfo=ZoneInfo(settings.TIME_ZONE)) - timedelta(microseconds=1)


class ReportKind(models.TextChoices):
    COUNTRY_PROFILE = "country_profile", _("Country profile")
    ANALYTICAL = "analytical", _("Analytical report on implementation")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance report")
    CONTRIBUTIONS = "contributions", _("Contributions report")


class Audience(models.TextChoices):
    STATE = "state", _("For the State")
    SECRETARIAT = "secretariat", _("For the Secretariat")


def report_path(instance, filename):
    # Under MEDIA_ROOT, never under the static root; served only through a permission-checked view.
    return f"reports/{instance.session.number}/{instance.language}/{instance.fingerprint[:16]}-{filename}"


class ReportJob(TimeStampedModel):
    """One request for a report, its progress while a worker builds it, and the stored file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    session = models.ForeignKey(
        ConferenceSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(_("report"), max_length=24, choices=ReportKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    country = models.ForeignKey(
        "portal.Country",
        verbose_name=_("State"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        help_text=_("The State of a country profile; empty for the other reports."),
    )
    audience = models.CharField(
        _("audience"),
        max_length=12,
        choices=Audience.choices,
        blank=True,
        help_text=_("Whom a country profile is for; empty for the other reports."),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        db_index=True,
        help_text=_("SHA-256 of the inputs: the same inputs give the same report."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, help_text=_("Percentage done."))
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True, help_text=_("Updated by the worker as it goes.")
    )
    started_at = models.DateTimeField(
        _("started at"), null=True, blank=True, help_text=_("When a worker took it.")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, help_text=_("When it ended."))
    error = models.TextField(
        _("reason of failure"), blank=True, help_text=_("Why the report could not be built.")
    )
    file = models.FileField(
        _("file"),
        upload_to=report_path,
        max_length=255,
        blank=True,
        help_text=_("The PDF, stored privately."),
    )
    pages = models.PositiveIntegerField(_("pages"), default=0, help_text=_("Number of pages of the PDF."))
    size = models.PositiveBigIntegerField(_("size"), default=0, help_text=_("In bytes."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_jobs",
        help_text=_("Who asked for it first."),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportjob_progress_percent"),
            models.CheckConstraint(
                condition=(
                    Q(kind="country_profile", country__isnull=False, audience__in=["state", "secretariat"])
                    | (~Q(kind="country_profile") & Q(country__isnull=True, audience=""))
                ),
                name="reportjob_country_only_for_profiles",
            ),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="reportjob_done_has_file"),
        ]

    def __str__(self):
        return f"{self.session} · {self.get_kind_display()} · {self.language}"

    def get_absolute_url(self):
        return reverse("reports:job_detail", kwargs={"pk": self.pk})
