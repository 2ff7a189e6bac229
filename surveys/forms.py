from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import Country, RegionalGroup

from .models import ObligationLevel, Response, Theme


class ReadingFilterForm(forms.Form):
    obligation = forms.ChoiceField(
        label=_("Obligation level"), required=False, choices=[("", _("All levels")), *ObligationLevel.choices]
    )
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )


class CopyForm(forms.Form):
    code = forms.SlugField(
        label=_("Code of the new draft"),
        max_length=40,
        help_text=_("Letters, digits and hyphens, e.g. omnibus-2028."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX)"), help_text=_("A file exported from this portal, edited.")
    )
    replace_draft = forms.BooleanField(
        label=_("Replace the draft with the same code"),
        required=False,
        help_text=_("Published versions are never replaced."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "OMNIBUS_MAX_IMPORT_BYTES", 10 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)}
            )
        return upload


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Response.Status.choices]
    )
    regional_group = forms.ChoiceField(
        label=_("Regional group"), required=False, choices=[("", _("All groups")), *RegionalGroup.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("state", _("State")),
            ("group", _("Regional group")),
            ("status", _("Status")),
            ("-progress", _("Progress")),
            ("-activity", _("Last activity")),
            ("days", _("Days since submission")),
        ],
    )


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[
            ("", _("Everything")),
            ("response.", _("Status changes")),
            ("answers", _("Answer changes")),
            ("comment.", _("Comments")),
            ("questionnaire.", _("Questionnaires")),
            ("invitation.", _("Invitations")),
            ("attachment.", _("Attachments")),
        ],
    )
    country = forms.ModelChoiceField(label=_("State"), required=False, queryset=Country.objects.all())
    actor = forms.CharField(label=_("Who (e-mail)"), required=False, max_length=200)
    since = forms.DateField(
        label=pgettext_lazy("date filter", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=pgettext_lazy("date filter", "Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("Deadline for submissions"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
