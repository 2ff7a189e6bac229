"""One small form per question, named by the question's code, so that the whole section page (without
JavaScript) and the automatic save of one question (with it) read exactly the same fields."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Question

Kind = Question.Kind
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
TEXT_KINDS = (Kind.LONG_TEXT, Kind.LEGISLATION, Kind.ASSISTANCE)
LEGISLATION_FIELDS = ("title", "article", "url", "in_force_on")


class AnswerForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, question: Question, answer=None, code_lists=None, language="en", **kwargs):
        self.question = question
        self.answer = answer
        value = answer.value if answer is not None else None
        kwargs.setdefault("prefix", question.code)
        initial = {"base_version": answer.version if answer is not None else 0, **self._initial(value)}
        if answer is not None and answer.language:
            language = answer.language
        initial["language"] = language
        super().__init__(*args, initial=initial, **kwargs)
        self.assistance_kinds, self.challenge_kinds = code_lists or ([], [])
        self._add_fields()
        if question.kind in TEXT_KINDS:
            self.fields["language"] = forms.ChoiceField(
                label=_("Written in"), choices=settings.LANGUAGES, required=False
            )
        self._style_widgets()

    def _style_widgets(self):
        """Bootstrap classes on the widgets, so the page renders them directly (fast, no form layout library)."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    # --- fields per kind ---------------------------------------------------------------------------------
    def _add_fields(self):
        q = self.question
        label = q.text
        if q.kind in (Kind.COMPLIANCE, Kind.SINGLE_CHOICE):
            self.fields["value"] = forms.ChoiceField(
                label=label,
                required=False,
                widget=forms.RadioSelect,
                choices=[(c.value, c.label) for c in q.choices.all()],
            )
        elif q.kind == Kind.MULTIPLE_CHOICE:
            self.fields["value"] = forms.MultipleChoiceField(
                label=label,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(c.value, c.label) for c in q.choices.all()],
            )
        elif q.kind == Kind.LONG_TEXT:
            self.fields["value"] = forms.CharField(
                label=label,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=100_000,
            )
        elif q.kind == Kind.NUMBER:
            self.fields["value"] = forms.DecimalField(
                label=label,
                required=False,
                min_value=q.min_value,
                max_value=q.max_value,
                max_digits=30,
                decimal_places=10,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
        elif q.kind == Kind.DATE:
            self.fields["value"] = forms.DateField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )
        elif q.kind == Kind.LEGISLATION:
            rows = self._legislation_row_count()
            for i in range(rows):
                self.fields[f"ref_{i}_title"] = forms.CharField(
                    label=_("Title of the law or measure"), required=False, max_length=2000
                )
                self.fields[f"ref_{i}_article"] = forms.CharField(
                    label=_("Articles"), required=False, max_length=2000
                )
                self.fields[f"ref_{i}_url"] = forms.URLField(
                    label=_("Link to the text"), required=False, max_length=2000, assume_scheme="https"
                )
                self.fields[f"ref_{i}_in_force_on"] = forms.DateField(
                    label=_("In force since"),
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                )
            self.legislation_rows = rows
        elif q.kind == Kind.ASSISTANCE:
            self.fields["challenges"] = forms.MultipleChoiceField(
                label=_("Challenges faced"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=self.challenge_kinds,
            )
            self.fields["challenges_other"] = forms.CharField(
                label=_("Other challenges, or details"),
                required=False,
                max_length=100_000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields["would_help"] = forms.ChoiceField(
                label=_("Would technical assistance help?"),
                required=False,
                widget=forms.RadioSelect,
                choices=YES_NO,
            )
            self.fields["kinds"] = forms.MultipleChoiceField(
                label=_("Which kinds of assistance?"),
                help_text=_(
                    "Each kind ticked becomes a technical assistance need of your State. Assistance providers see "
                    "a need only once your focal point has shared it."
                ),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=self.assistance_kinds,
            )
            self.fields["details"] = forms.CharField(
                label=_("Describe the assistance needed"),
                required=False,
                max_length=100_000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields["receiving"] = forms.ChoiceField(
                label=_("Is some assistance already received?"),
                required=False,
                widget=forms.RadioSelect,
                choices=YES_NO,
            )
            self.fields["received_from"] = forms.CharField(
                label=_("From whom?"), required=False, max_length=2000
            )
        elif q.kind == Kind.FILE:
            self.fields["upload"] = forms.FileField(label=label, required=False)
        if q.kind == Kind.LEGISLATION:
            self.fields["upload"] = forms.FileField(label=_("Attach the text (optional)"), required=False)

    def _legislation_row_count(self):
        if self.is_bound:
            indexes = {
                int(key.split("-ref_")[1].split("_")[0])
                for key in self.data
                if key.startswith(f"{self.prefix}-ref_") and key.split("-ref_")[1].split("_")[0].isdigit()
            }
            return min(max(indexes, default=-1) + 1, 200) or 1
        existing = len(self.initial.get("_refs", []))
        return existing + 1

    def _initial(self, value):
        kind = self.question.kind
        if value is None:
            return {}
        if kind == Kind.LEGISLATION:
            initial = {"_refs": value}
            for i, row in enumerate(value):
                for name in LEGISLATION_FIELDS:
                    initial[f"ref_{i}_{name}"] = row.get(name, "")
            return initial
        if kind == Kind.ASSISTANCE:
            return dict(value)
        if kind == Kind.FILE:
            return {}
        return {"value": value}

    # --- the value to store -------------------------------------------------------------------------------
    def to_value(self):
        data = self.cleaned_data
        kind = self.question.kind
        if kind in (Kind.COMPLIANCE, Kind.SINGLE_CHOICE, Kind.LONG_TEXT):
            return data.get("value") or ""
        if kind == Kind.MULTIPLE_CHOICE:
            return list(data.get("value") or [])
        if kind == Kind.NUMBER:
            number = data.get("value")
            return "" if number is None else format(number.normalize(), "f")
        if kind == Kind.DATE:
            return data["value"].isoformat() if data.get("value") else ""
        if kind == Kind.LEGISLATION:
            rows = []
            for i in range(self.legislation_rows):
                row = {name: data.get(f"ref_{i}_{name}") or "" for name in LEGISLATION_FIELDS}
                if row["in_force_on"]:
                    row["in_force_on"] = row["in_force_on"].isoformat()
                if any(row.values()):
                    rows.append(row)
            return rows
        if kind == Kind.ASSISTANCE:
            return {
                "challenges": list(data.get("challenges") or []),
                "challenges_other": data.get("challenges_other") or "",
                "would_help": data.get("would_help") or "",
                "kinds": list(data.get("kinds") or []),
                "details": data.get("details") or "",
                "receiving": data.get("receiving") or "",
                "received_from": data.get("received_from") or "",
            }
        return self.answer.value if self.answer is not None else []

    def clean(self):
        data = super().clean()
        if self.question.kind == Kind.LEGISLATION:
            for i in range(self.legislation_rows):
                filled = any(data.get(f"ref_{i}_{name}") for name in LEGISLATION_FIELDS)
                if filled and not data.get(f"ref_{i}_title"):
                    self.add_error(f"ref_{i}_title", _("Give the title of the law or measure."))
        return data

    def legislation_row_fields(self):
        """[(bound title, article, url, date), ...] for the template."""
        return [
            [self[f"ref_{i}_{name}"] for name in LEGISLATION_FIELDS]
            for i in range(getattr(self, "legislation_rows", 0))
        ]

    @property
    def language(self):
        return (self.cleaned_data.get("language") if hasattr(self, "cleaned_data") else "") or ""

    def is_changed(self) -> bool:
        """Whether the submitted value differs from the stored one (uploads always count)."""
        if self.cleaned_data.get("upload"):
            return True
        stored = self.answer.value if self.answer is not None else None
        new = self.to_value()
        if stored is None:
            from .values import is_answered

            return is_answered(self.question.kind, new)
        return new != stored
