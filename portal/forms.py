from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from assistance.models import Provider

from .models import Country, RegionalGroup, Role, Treaty, TreatyParticipation


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    country = forms.ModelChoiceField(
        label=_("State"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("Required for focal points and contributors."),
    )
    provider = forms.ModelChoiceField(
        label=_("Assistance provider"),
        queryset=Provider.objects.all(),
        required=False,
        help_text=_("Required for assistance providers."),
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, roles, fixed_country=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        if fixed_country is not None:
            # A focal point invites for their own State only: the field is not offered at all.
            del self.fields["country"]
            del self.fields["provider"]

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if "country" in self.fields:
            if role in (Role.FOCAL_POINT, Role.CONTRIBUTOR) and not data.get("country"):
                self.add_error("country", _("Choose the State this person works for."))
            if role == Role.PROVIDER and not data.get("provider"):
                self.add_error("provider", _("Choose the organization this person works for."))
        return data


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class CountryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=80)
    regional_group = forms.ChoiceField(
        label=_("Regional group"), required=False, choices=[("", _("All groups")), *RegionalGroup.choices]
    )
    treaty = forms.ChoiceField(
        label=_("Instrument"), required=False, choices=[("", _("Any instrument")), *Treaty.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *TreatyParticipation.Status.choices],
    )
