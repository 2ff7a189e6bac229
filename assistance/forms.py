"""Forms of the assistance pages. They parse and label input; the rules live in the services."""

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models import Country, RegionalGroup
from surveys.models import AssistanceKind, Instrument, Provision

from .models import Activity, Contribution, Earmark, Need, Priority, Provider
from .services.contributions import currency_choices
from .services.matching import ACTIVITY_TRANSITIONS

# Digits with an optional decimal point and decimals: no thousands separators, no sign, no exponent.
STRICT_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names when the form has it, else above."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class StrictDecimalField(forms.CharField):
    """A decimal typed as text and parsed exactly (never through a float)."""

    default_error_messages = {
        "invalid": _(
            "Type digits only, with a decimal point if needed, e.g. 250000.50 (no spaces or commas)."
        )
    }

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        if not STRICT_DECIMAL.match(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(value)


def _need_label(need: Need) -> str:
    where = need.provision.code if need.provision_id else need.instrument.short_title
    return f"#{need.pk} · {need.country.name} · {where} · {need.kind.label} ({need.get_priority_display()})"


class NeedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _need_label(obj)


class NeedFilterForm(forms.Form):
    """Filters of the needs lists (GET)."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.ModelChoiceField(
        label=_("State"), queryset=Country.objects.none(), required=False, empty_label=_("All States")
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.all(),
        required=False,
        empty_label=_("All instruments"),
    )
    kind = forms.ModelChoiceField(
        label=_("Kind of assistance"),
        queryset=AssistanceKind.objects.all(),
        required=False,
        empty_label=_("All kinds"),
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, countries, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *RegionalGroup.choices]
        self.fields["country"].queryset = countries
        self.fields["priority"].choices = [("", _("All priorities")), *Priority.choices]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "region": data.get("region") or "",
            "country": data["country"].pk if data.get("country") else None,
            "instrument": data["instrument"].pk if data.get("instrument") else None,
            "kind": data["kind"].pk if data.get("kind") else None,
            "priority": data.get("priority") or "",
            "status": data.get("status") or "",
        }


class NeedRecordForm(forms.Form):
    country = forms.ModelChoiceField(label=_("State"), queryset=Country.objects.all())
    instrument = forms.ModelChoiceField(label=_("Instrument"), queryset=Instrument.objects.all())
    provision = forms.ModelChoiceField(
        label=_("Provision"),
        queryset=Provision.objects.select_related("article__instrument").order_by(
            "article__instrument__position", "article__position", "position"
        ),
        required=False,
        help_text=_("Optional: the provision the need is about."),
    )
    kind = forms.ModelChoiceField(
        label=_("Kind of assistance"), queryset=AssistanceKind.objects.filter(is_active=True)
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), required=False, max_length=500)


class OfferForm(forms.Form):
    message = forms.CharField(
        label=_("What you offer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=_("How you would help, when, with what."),
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the provider"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10_000,
    )


class ActivityForm(forms.Form):
    """An activity matching shared needs of one State with one provider (from an offer or directly)."""

    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.all())
    needs = NeedChoiceField(
        label=_("Needs covered"),
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Shared needs of the beneficiary State not yet covered by an activity."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, needs, fixed_provider=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs
        if fixed_provider:
            self.fields["provider"].disabled = True


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Activity.Status.choices)
        self.fields["status"].choices = [
            (s, labels[s]) for s in ACTIVITY_TRANSITIONS.get(activity.status, ())
        ]


class AddNeedsForm(forms.Form):
    needs = NeedChoiceField(
        label=_("Needs to add"), queryset=Need.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs


class ContributionFilterForm(forms.Form):
    donor = forms.ModelChoiceField(
        label=_("Donor"), queryset=Provider.objects.none(), required=False, empty_label=_("All donors")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Transaction"), required=False)

    def __init__(self, *args, donors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = donors
        self.fields["kind"].choices = [("", _("All transactions")), *Contribution.Kind.choices]

    def apply(self, contributions):
        if not self.is_valid():
            return contributions
        data = self.cleaned_data
        if data.get("donor"):
            contributions = contributions.filter(donor=data["donor"])
        if data.get("year"):
            contributions = contributions.filter(date__year=data["year"])
        if data.get("kind"):
            contributions = contributions.filter(kind=data["kind"])
        return contributions


class PledgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.donor.name} · {obj.date:%Y-%m-%d} · {obj.amount} {obj.currency}" + (
            f" · {obj.reference}" if obj.reference else ""
        )


class ContributionForm(forms.Form):
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Provider.objects.all())
    kind = forms.ChoiceField(label=_("Transaction"), choices=Contribution.Kind.choices)
    date = forms.DateField(label=_("Value date"), widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.ChoiceField(label=_("Currency"))
    amount = StrictDecimalField(
        label=_("Amount"),
        max_length=40,
        help_text=_(
            "In the transaction's currency: digits only, with a decimal point for decimals, "
            "e.g. 250000.50 (no spaces, commas or signs)."
        ),
    )
    pledge = PledgeChoiceField(
        label=_("Pledge fulfilled"),
        queryset=Contribution.objects.none(),
        required=False,
        help_text=_(
            "For a commitment or a receipt: the donor's pledge it fulfils. It then takes the pledge's earmarking."
        ),
    )
    earmark = forms.ChoiceField(
        label=_("Earmarking"), choices=Earmark.choices, initial=Earmark.UNEARMARKED, widget=forms.RadioSelect
    )
    earmarked_instrument = forms.ModelChoiceField(
        label=_("Earmarked to instrument"), queryset=Instrument.objects.all(), required=False
    )
    earmarked_region = forms.ChoiceField(label=_("Earmarked to region"), required=False)
    earmarked_country = forms.ModelChoiceField(
        label=_("Earmarked to State"), queryset=Country.objects.all(), required=False
    )
    earmarked_needs = NeedChoiceField(
        label=_("Earmarked to needs"),
        queryset=Need.objects.none(),
        required=False,
        help_text=_("Only needs their State has shared."),
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=120)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, language, pledges, shared_needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "—"), *currency_choices(language)]
        self.fields["pledge"].queryset = pledges
        self.fields["earmarked_region"].choices = [("", "—"), *RegionalGroup.choices]
        self.fields["earmarked_needs"].queryset = shared_needs


class RateForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"))
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Year and month, e.g. 2026-03."),
    )
    units_per_usd = StrictDecimalField(
        label=_("Units per US dollar"),
        max_length=40,
        help_text=_("As published by the United Nations: digits with a decimal point, e.g. 0.925."),
    )

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [
            ("", "—"),
            *(c for c in currency_choices(language) if c[0] != "USD"),
        ]


class RateUploadForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("The month every rate in the file applies to, e.g. 2026-03."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Two columns with a header line: currency, units_per_usd. All rows are saved, or none."),
    )


class ExportForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the export"), choices=settings.LANGUAGES)


class SelectNeedsForm(forms.Form):
    """The focal point's "Share selected" on the needs list."""

    needs = forms.ModelMultipleChoiceField(queryset=Need.objects.none())

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs
