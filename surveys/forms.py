from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ObligationLevel, Theme


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
