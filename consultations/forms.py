import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from consultations.enums import Abstention
from consultations.models import COMMENT_MAX_LENGTH, QUOTE_MAX_LENGTH, REASON_MAX_LENGTH, Round

# Round ----------------------------------------------------------------------------------
#
# The forms a member uses inside a round. They carry what she sent and nothing more: the
# services decide what is valid, so the rules live in one place, and their errors, keyed by
# these fields' names, are put back on the form beside the field she has to fix. Fields
# have no max_length, so text that is too long reaches the service and comes back with its
# message rather than being cut short.

SCORE_PATTERN = re.compile(r"[0-9]{1,3}")


class ServiceErrorsMixin:
    """Puts a service's ``ValidationError`` on the form.

    An error about the hidden item id is one she cannot fix in a field, so it is shown for
    the whole form.
    """

    hidden_error_fields: tuple[str, ...] = ("block_id", "parent")

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        errors: dict[str, list] = {}
        for name, messages in error.error_dict.items():
            if name in self.hidden_error_fields or name not in self.fields:
                name = NON_FIELD_ERRORS
            errors.setdefault(name, []).extend(messages)
        self.add_error(None, ValidationError(errors))


class RatingForm(ServiceErrorsMixin, forms.Form):
    """Her rating of one item: a score on the round's scale or an abstention, in one choice."""

    block_id = forms.CharField(widget=forms.HiddenInput, required=False)
    choice = forms.CharField(label=_("Your rating"), required=False, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why you chose this rating (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    max_lengths = {"reason": REASON_MAX_LENGTH}

    def __init__(self, *args: object, round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        scale = round.scale
        scores = [(str(score), scale.labels[score]) for score in scale.scores]
        self.fields["choice"].widget.choices = [*scores, *Abstention.choices]
        # The abstentions follow the scores after an "or", as NHS.UK radios divide choices.
        self.scale_size = len(scores)

    @staticmethod
    def initial_for(rating: object | None) -> dict:
        if rating is None:
            return {}
        choice = rating.abstention or str(rating.score)
        return {"choice": choice, "reason": rating.reason}

    def rating_arguments(self) -> dict:
        choice = self.cleaned_data["choice"].strip()
        if SCORE_PATTERN.fullmatch(choice):
            return {"score": int(choice), "abstention": "", "reason": self.cleaned_data["reason"]}
        return {"score": None, "abstention": choice, "reason": self.cleaned_data["reason"]}


class CommentForm(ServiceErrorsMixin, forms.Form):
    """A comment on an item or on the whole page, or a reply to a comment."""

    block_id = forms.CharField(widget=forms.HiddenInput, required=False)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quote = forms.CharField(
        label=_("The words you mean (optional)"),
        help_text=_("Copy the words from the requirement that your comment is about."),
        required=False,
    )
    body = forms.CharField(
        label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    max_lengths = {"quote": QUOTE_MAX_LENGTH, "body": COMMENT_MAX_LENGTH}


class CommentChangeForm(ServiceErrorsMixin, forms.Form):
    """Her own comment, to change its words."""

    quote = forms.CharField(
        label=_("The words you mean (optional)"),
        help_text=_("Copy the words from the requirement that your comment is about."),
        required=False,
    )
    body = forms.CharField(
        label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    max_lengths = {"quote": QUOTE_MAX_LENGTH, "body": COMMENT_MAX_LENGTH}
