from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.forms import EnteredTextField

from ..models import Audience, Position
from ..services.submissions import submission_key_new
from ..services.workflow import on_behalf_message

# A comment or reason is read by people, not stored as a document.
NOTE_MAX_LENGTH = 4000


class SendBackForm(forms.Form):
    comment = EnteredTextField(
        label=_("What should change"),
        help_text=_("The drafters see this comment on the position."),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReopenForm(forms.Form):
    reason = EnteredTextField(
        label=_("Reason for reopening"),
        help_text=_("Recorded in the position's history, where its focal points see it."),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class SubmitForm(forms.Form):
    """Confirm the submission; a member state's position needs the on-behalf confirmation.

    The form carries a key, fresh each time it is shown: posted twice (a double click, a
    retried request), it submits once and both answers give the same receipt.
    """

    on_behalf_confirmed = forms.BooleanField(required=True)
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, position: Position, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = submission_key_new()
        if position.audience != Audience.MEMBER_STATE:
            del self.fields["on_behalf_confirmed"]
            return
        field = self.fields["on_behalf_confirmed"]
        field.label = _("I confirm this position is submitted on behalf of the Government %(of_state)s") % {
            "of_state": position.member_state.of_name()
        }
        field.error_messages["required"] = on_behalf_message(position)
