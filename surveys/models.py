"""The questionnaire: instruments and their provisions (reference data), and versioned questionnaires
made of sections, questions, choices and display conditions."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel, Treaty


class ObligationLevel(models.TextChoices):
    MANDATORY = "mandatory", _("Mandatory (“shall”)")
    CONSIDER = "consider", _("Consider (“shall consider”, “shall endeavour”)")
    OPTIONAL = "optional", _("Optional (“may”)")


class Theme(models.TextChoices):
    CRIMINALIZATION = "criminalization", _("Criminalization")
    LIABILITY_SANCTIONS = "liability_sanctions", _("Liability, prosecution and sanctions")
    JURISDICTION = "jurisdiction", _("Jurisdiction")
    CONFISCATION = "confiscation", _("Confiscation and seizure")
    INTERNATIONAL_COOPERATION = "international_cooperation", _("International cooperation")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    PROTECTION = "protection", _("Protection of witnesses and victims")
    PREVENTION = "prevention", _("Prevention")
    BORDER_MEASURES = "border_measures", _("Border measures and documents")
    FIREARMS_CONTROL = "firearms_control", _("Control of firearms")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Training and technical assistance")


class Instrument(TimeStampedModel):
    """The Convention or one of its Protocols."""

    code = models.CharField(_("code"), max_length=8, choices=Treaty.choices, unique=True)
    title = models.CharField(_("title"), max_length=255, help_text=_("Full official title."))
    short_title = models.CharField(_("short title"), max_length=120, help_text=_("As used in headings."))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, help_text=_("Date of adoption."))
    entered_into_force_on = models.DateField(
        _("entered into force on"), null=True, blank=True, help_text=_("Date of entry into force.")
    )
    supplements = models.ForeignKey(
        "self",
        verbose_name=_("supplements"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocols",
        help_text=_("The Convention that a Protocol supplements."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Display order."))

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["position", "code"]

    def __str__(self):
        return self.short_title or self.code


class Article(TimeStampedModel):
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="articles"
    )
    number = models.CharField(_("number"), max_length=8, help_text=_("Article number, e.g. 5 or 18 bis."))
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Display order."))
    title = models.CharField(_("title"), max_length=255, help_text=_("Official title of the article."))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["instrument__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="article_unique_number"),
        ]

    def __str__(self):
        return f"{self.instrument.code} {self.number}. {self.title}"


class Provision(TimeStampedModel):
    """A paragraph (or group of paragraphs) of an article that places an obligation on States."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="provisions"
    )
    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Stable code, e.g. UNTOC-5-1 or TIP-6-3.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the article.")
    )
    reference = models.CharField(_("reference"), max_length=120, help_text=_("e.g. Article 5, paragraph 1"))
    obligation = models.CharField(
        _("obligation level"),
        max_length=12,
        choices=ObligationLevel.choices,
        help_text=_("From the treaty text."),
    )
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices, help_text=_("Subject area."))
    requirement = models.TextField(_("requirement"), help_text=_("What the provision asks of States."))

    class Meta:
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        ordering = ["article__instrument__position", "article__position", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]+-[0-9A-Za-z-]+$"), name="provision_code_format"
            ),
        ]

    def __str__(self):
        return self.code


class CrossReference(TimeStampedModel):
    """Two provisions of different instruments that ask the same thing: an answer to one may serve the other."""

    source = models.ForeignKey(
        Provision, verbose_name=_("provision"), on_delete=models.CASCADE, related_name="cross_references_from"
    )
    target = models.ForeignKey(
        Provision,
        verbose_name=_("related provision"),
        on_delete=models.CASCADE,
        related_name="cross_references_to",
    )
    note = models.TextField(_("why"), blank=True, help_text=_("What the two have in common."))

    class Meta:
        verbose_name = _("cross-reference")
        verbose_name_plural = _("cross-references")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="crossreference_unique_pair"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="crossreference_not_self"),
        ]

    def __str__(self):
        return f"{self.source} ↔ {self.target}"


class CodeListItem(TimeStampedModel):
    """Base for the editable code lists used by the technical assistance block."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable code used in exports.")
    )
    label = models.CharField(_("label"), max_length=160, help_text=_("As shown to respondents."))
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Display order."))
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Withdrawn items stay in old answers.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.label


class AssistanceKind(CodeListItem):
    class Meta(CodeListItem.Meta):
        verbose_name = _("kind of assistance")
        verbose_name_plural = _("kinds of assistance")


class ChallengeKind(CodeListItem):
    class Meta(CodeListItem.Meta):
        verbose_name = _("kind of challenge")
        verbose_name_plural = _("kinds of challenge")


class Questionnaire(TimeStampedModel):
    """One version of the questionnaire. Only drafts change; a published version is fixed for ever."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("e.g. omnibus-2026"))
    title = models.CharField(_("title"), max_length=200, help_text=_("Shown to respondents."))
    description = models.TextField(_("description"), blank=True, help_text=_("Introduction for respondents."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("When published.")
    )
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("Date by which States should submit their responses."),
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        help_text=_("The version this one was copied from."),
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="questionnaire_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.code})"

    def get_absolute_url(self):
        return reverse("surveys:questionnaire_detail", kwargs={"code": self.code})

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class Section(TimeStampedModel):
    """A part of a questionnaire; the shipped questionnaire has one per article."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(_("code"), max_length=40, help_text=_("Stable code, e.g. UNTOC-5."))
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="sections"
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        help_text=_("The article this section covers, if any."),
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order in the questionnaire.")
    )
    title = models.CharField(_("title"), max_length=255, help_text=_("Heading shown to respondents."))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="section_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Question(TimeStampedModel):
    class Kind(models.TextChoices):
        COMPLIANCE = "compliance", _("Compliance (Yes / Yes, in part / No)")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        LEGISLATION = "legislation", _("Legislation references")
        FILE = "file", _("File attachments")
        ASSISTANCE = "assistance", _("Technical assistance block")

    CHOICE_KINDS = (Kind.COMPLIANCE, Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.CharField(_("code"), max_length=48, help_text=_("Stable code, e.g. UNTOC-5-1-C."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    provision = models.ForeignKey(
        Provision,
        verbose_name=_("provision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("The provision this question is about, if any."),
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order in the section."))
    text = models.TextField(_("question"), help_text=_("The question as asked."))
    help_text = models.TextField(_("guidance"), blank=True, help_text=_("Guidance shown under the question."))
    required = models.BooleanField(_("required"), default=False, help_text=_("Must be answered to submit."))
    min_value = models.DecimalField(
        _("minimum"), max_digits=18, decimal_places=4, null=True, blank=True, help_text=_("For numbers.")
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=18, decimal_places=4, null=True, blank=True, help_text=_("For numbers.")
    )
    continues = models.ForeignKey(
        "self",
        verbose_name=_("continues"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        help_text=_("The question of an earlier version that this one continues, so answers carry forward."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_min_not_above_max",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def has_choices(self):
        return self.kind in self.CHOICE_KINDS


class Choice(TimeStampedModel):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    value = models.SlugField(_("value"), max_length=40, help_text=_("Stable value stored in answers."))
    label = models.CharField(_("label"), max_length=255, help_text=_("As shown to respondents."))
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Display order."))

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_unique_value"),
        ]

    def __str__(self):
        return self.label


class Condition(TimeStampedModel):
    """Show a question (or a whole section) only when an earlier answer has one of the given values."""

    question = models.ForeignKey(
        Question,
        verbose_name=_("question shown"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conditions",
        help_text=_("The question that depends on the answer."),
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section shown"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conditions",
        help_text=_("The section that depends on the answer."),
    )
    depends_on = models.ForeignKey(
        Question,
        verbose_name=_("depends on"),
        on_delete=models.CASCADE,
        related_name="dependents",
        help_text=_("An earlier question with choices."),
    )
    values = models.JSONField(_("values"), default=list, help_text=_("Choice values for which it is shown."))

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(question__isnull=False, section__isnull=True)
                    | Q(question__isnull=True, section__isnull=False)
                ),
                name="condition_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.depends_on.code} in {', '.join(self.values)}"

    def value_labels(self) -> list[str]:
        """The values as respondents see them (uses prefetched choices when there are)."""
        labels = {choice.value: choice.label for choice in self.depends_on.choices.all()}
        return [labels.get(value, value) for value in self.values]


class Response(TimeStampedModel):
    """One State's answers to one questionnaire version."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        RETURNED = "returned", _("Returned for clarification")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED)

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="responses"
    )
    country = models.ForeignKey(
        "portal.Country", verbose_name=_("State"), on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    extra_instruments = models.ManyToManyField(
        Instrument,
        verbose_name=_("also answered"),
        blank=True,
        related_name="opted_in_responses",
        help_text=_("Instruments the State is not party to but chose to answer for."),
    )
    submitted_at = models.DateTimeField(
        _("submitted at"), null=True, blank=True, help_text=_("Last submission.")
    )
    submitted_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The focal point who submitted."),
    )
    return_summary = models.TextField(
        _("request for clarification"),
        blank=True,
        help_text=_("What the Secretariat asked when it last returned it."),
    )
    accepted_at = models.DateTimeField(
        _("accepted at"), null=True, blank=True, help_text=_("When it was accepted.")
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["questionnaire", "country__name"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "country"], name="response_one_per_state"),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress"]) | Q(submitted_at__isnull=False),
                name="response_submitted_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.country} · {self.questionnaire.code}"

    def get_absolute_url(self):
        return reverse("surveys:response_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES


class Answer(models.Model):
    """The current answer to one question. `version` grows with every change, so that a save based on
    an older version is detected instead of silently overwriting a newer one."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.JSONField(
        _("value"), null=True, blank=True, help_text=_("Shape depends on the question kind.")
    )
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Language the text of the answer is written in.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Grows with every change."))
    updated_at = models.DateTimeField(_("updated at"), help_text=_("Last change."))
    updated_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("Who changed it last."),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question"),
            models.CheckConstraint(condition=Q(version__gte=1), name="answer_version_positive"),
        ]

    def __str__(self):
        return f"{self.response} · {self.question.code} v{self.version}"


class AnswerRevision(models.Model):
    """Append-only history of an answer: every saved value, who saved it, when, from where and how."""

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        AUTOSAVE = "autosave", _("Automatic save")
        SPREADSHEET = "spreadsheet", _("Spreadsheet upload")
        RESTORE = "restore", _("Restored from history")
        REUSE = "reuse", _("Reused answer")

    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(
        _("version"), help_text=_("The answer's version after this change.")
    )
    value = models.JSONField(_("value"), null=True, blank=True, help_text=_("The value saved."))
    language = models.CharField(_("language"), max_length=8, blank=True, help_text=_("Language of the text."))
    source = models.CharField(
        _("how"), max_length=16, choices=Source.choices, help_text=_("Where it came from.")
    )
    changed_at = models.DateTimeField(_("when"), help_text=_("When it was saved."))
    changed_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("Who saved it."),
    )
    ip_address = models.GenericIPAddressField(
        _("address"), null=True, blank=True, help_text=_("Client address.")
    )

    class Meta:
        verbose_name = _("answer revision")
        verbose_name_plural = _("answer revisions")
        ordering = ["answer", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "version"], name="revision_unique_version"),
        ]

    def __str__(self):
        return f"{self.answer_id} v{self.version}"


def attachment_path(instance, filename):
    # Stored under MEDIA_ROOT, never under the static root, and only served through a permission check.
    return f"attachments/{instance.answer.response.country.iso2}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=attachment_path, max_length=255, help_text=_("Stored privately.")
    )
    original_name = models.CharField(_("file name"), max_length=255, help_text=_("As uploaded."))
    content_type = models.CharField(_("type"), max_length=100, help_text=_("Detected from the content."))
    size = models.PositiveBigIntegerField(_("size"), help_text=_("In bytes."))
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Checksum of the content."))
    uploaded_at = models.DateTimeField(_("uploaded at"), help_text=_("When it was uploaded."))
    uploaded_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("Who uploaded it."),
    )
    removed_at = models.DateTimeField(
        _("removed at"), null=True, blank=True, help_text=_("Kept for the history.")
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class Comment(TimeStampedModel):
    """A message in the thread about one answer, between reviewers and the State's people."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="comments"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(
        "portal.User",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="comments",
        help_text=_("Who wrote it."),
    )
    body = models.TextField(_("message"), help_text=_("The text of the comment."))
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Language it is written in.")
    )
    resolved_at = models.DateTimeField(
        _("resolved at"), null=True, blank=True, help_text=_("When it was closed.")
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.response} · {self.question.code}"


def export_path(instance, filename):
    # Under MEDIA_ROOT, never under the static root; served only through a permission-checked view.
    return f"exports/{instance.questionnaire_id}/{instance.language}/{instance.fingerprint[:16]}-{filename}"


class ExportJob(TimeStampedModel):
    """One request for the spreadsheet of every State's answers, built by the task worker, its progress,
    and the stored file (served again while the answers have not changed)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("XLSX workbook")

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
        help_text=_("The questionnaire version whose answers are exported."),
    )
    language = models.CharField(
        _("language"), max_length=8, help_text=_("Language of the texts (questions, choices) in the file.")
    )
    file_format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.XLSX)
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        db_index=True,
        help_text=_("SHA-256 of the inputs: unchanged answers give the same file."),
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
        _("reason of failure"), blank=True, help_text=_("Why the file could not be built.")
    )
    file = models.FileField(
        _("file"),
        upload_to=export_path,
        max_length=255,
        blank=True,
        help_text=_("The file, stored privately."),
    )
    rows = models.PositiveIntegerField(_("rows"), default=0, help_text=_("Answers written to the file."))
    size = models.PositiveBigIntegerField(_("size"), default=0, help_text=_("In bytes."))
    requested_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_jobs",
        help_text=_("Who asked for it first."),
    )

    class Meta:
        verbose_name = _("export of the answers")
        verbose_name_plural = _("exports of the answers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="exportjob_progress_percent"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="exportjob_done_has_file"),
        ]

    def __str__(self):
        return f"{self.questionnaire.code} · {self.file_format} · {self.language}"

    def get_absolute_url(self):
        return reverse("surveys:export_job_detail", kwargs={"code": self.questionnaire.code, "pk": self.pk})
