from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.models import Country

from .models import Audience, ReportKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    country = forms.ModelChoiceField(
        label=_("State (country profile only)"), queryset=Country.objects.none(), required=False
    )
    audience = forms.ChoiceField(
        label=_("Profile for (country profile only)"), choices=Audience.choices, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_secretariat:
            self.fields["country"].queryset = Country.objects.order_by("name")
        else:
            # A State's people ask for their own State's profile, for the State.
            self.fields["kind"].choices = [(ReportKind.COUNTRY_PROFILE, ReportKind.COUNTRY_PROFILE.label)]
            self.fields["country"].queryset = Country.objects.filter(pk=user.country_id)
            self.fields["country"].initial = user.country_id
            self.fields["country"].label = _("State")
            self.fields["audience"].choices = [(Audience.STATE, Audience.STATE.label)]
