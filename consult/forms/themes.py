from django import forms
from django.utils.translation import gettext_lazy as _


class ThemeEditForm(forms.Form):
    label = forms.CharField(label=_("Name of the theme"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the answers in this theme say, for readers of the summaries."),
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Written in the consultation's language, whatever the interface's.
        for name in ("label", "description"):
            self.fields[name].widget.attrs["lang"] = language


class ThemeChoiceForm(forms.Form):
    """Choose themes of the question (to merge them into another)."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Themes to merge into this one"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
        self.fields["themes"].label_from_instance = lambda theme: theme.label


class AnswerChoiceForm(forms.Form):
    """Answers chosen on a theme's page: split into a new theme, or taken out."""

    SPLIT, REMOVE = "split", "remove"

    answers = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(choices=[(SPLIT, SPLIT), (REMOVE, REMOVE)])
    label = forms.CharField(label=_("Name of the new theme"), max_length=200, required=False)

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = answers
        self.fields["answers"].error_messages["required"] = _("Choose at least one answer.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.SPLIT and not cleaned.get("label", "").strip():
            self.add_error("label", _("Name the new theme."))
        return cleaned


class AnswerMoveForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=None)
    into = forms.BooleanField(required=False)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes


class AnswerFlagForm(forms.Form):
    notable_practice = forms.BooleanField(label=_("Notable practice"), required=False)
    evidence_rich = forms.BooleanField(label=_("Evidence-rich"), required=False)


class AnswersReviewedForm(forms.Form):
    answers = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = answers
