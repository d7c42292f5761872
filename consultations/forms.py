"""Forms for the member-facing pages.

Forms check what they can on their own and call the services for the study's rules, so a
member sees every problem at once, beside the field it belongs to.
"""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from consultations import form_tokens
from consultations.enums import Abstention, Withdrawal
from consultations.models import (
    COMMENT_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Invitation,
    Member,
    Round,
)
from consultations.selectors import username_for_sign_in
from consultations.services import PSEUDONYM_MAX_LENGTH, full_name_split, pseudonym_clean

# Members: signing in, joining, profile and passwords ----------------------------------

PASSWORD_MISMATCH = _("The passwords do not match. Enter the same password in both boxes.")


def pseudonym_field() -> forms.CharField:
    # The service checks length and characters with its own messages; max_length here
    # only stops a pasted essay from reaching it.
    return forms.CharField(
        label=_("Pseudonym"),
        help_text=_(
            "Other members will see this name beside what you write. Do not use your real "
            "name, or anything that could identify you."
        ),
        max_length=PSEUDONYM_MAX_LENGTH * 4,
        error_messages={"required": _("Enter the name other members will see.")},
    )


def pseudonym_checked(**kwargs: object) -> str:
    # The service keys its error by field; a field's own clean method must raise it bare.
    try:
        return pseudonym_clean(**kwargs)
    except ValidationError as error:
        raise ValidationError(error.message_dict.get("pseudonym", error.messages)) from None


class SignInForm(auth_forms.AuthenticationForm):
    """Members sign in with the email address they were invited at; editors may use their
    username."""

    # Django's form only sets the box's maxlength; the limit is checked here, before a
    # sign-in is tried and recorded (django-axes keeps at most 255 characters of it).
    username = auth_forms.UsernameField(
        label=_("Email address or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        error_messages={
            "required": _("Enter your email address or username."),
            "max_length": _("An email address or username has at most 254 characters."),
        },
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    error_messages = {
        "invalid_login": _(
            "The email address, username or password is not right. Check them and try "
            "again, or reset your password."
        ),
        "inactive": _("This account has been closed. Contact the research team for help."),
    }

    def clean_username(self) -> str:
        return username_for_sign_in(self.cleaned_data["username"].strip())


def new_password_field(*, label: str, required: str) -> forms.CharField:
    """A box for a new password: never stripped, and offered to password managers."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": required},
    )


class JoinForm(auth_forms.SetPasswordMixin, forms.Form):
    """Her pseudonym, a password and her consent, checked against the invitation's name
    and address so neither the pseudonym nor the password gives her away."""

    pseudonym = pseudonym_field()
    password1 = new_password_field(label=_("Create a password"), required=_("Create a password."))
    password2 = new_password_field(
        label=_("Confirm your password"), required=_("Enter your password again.")
    )
    consent = forms.BooleanField(
        label=_("I have read the information above and I agree to take part."),
        error_messages={"required": _("Tick the box to say you agree to take part, if you do.")},
    )

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args: object, invitation: Invitation, **kwargs: object) -> None:
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def clean_pseudonym(self) -> str:
        return pseudonym_checked(
            pseudonym=self.cleaned_data["pseudonym"], real_names=self.real_names()
        )

    def real_names(self) -> list[str]:
        return [self.invitation.full_name, self.invitation.email.split("@")[0]]

    def clean(self) -> dict:
        self.validate_passwords("password1", "password2")
        self.validate_password_for_user(self.future_user(), "password1")
        return super().clean()

    def future_user(self) -> AbstractBaseUser:
        """The account she is about to have, unsaved, for the password validators."""
        first_name, last_name = full_name_split(self.invitation.full_name)
        return get_user_model()(
            username=self.invitation.email.lower(),
            email=self.invitation.email,
            first_name=first_name,
            last_name=last_name,
        )


NOTIFICATION_FIELDS = {
    "new_rounds": "notify_new_rounds",
    "reminders": "notify_reminders",
    "replies": "notify_replies",
    "responses": "notify_responses",
}


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, each named in itself, as the language switcher names them."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class WithdrawForm(forms.Form):
    """Her choice of what happens to her comments and ratings when she leaves; there is
    no default, so nothing happens to them that she did not pick."""

    choice = forms.ChoiceField(
        label=_("What should happen to your comments and ratings?"),
        choices=Withdrawal.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to keep your comments and ratings or delete them."),
            "invalid_choice": _(
                "Choose whether to keep your comments and ratings or delete them."
            ),
        },
    )


class ProfileForm(forms.Form):
    pseudonym = pseudonym_field()
    notifications = forms.MultipleChoiceField(
        label=_("Email me"),
        choices=[
            ("new_rounds", _("when a round opens for me")),
            ("reminders", _("before a round closes, if I have not rated every item")),
            ("replies", _("when someone replies to my comment")),
            ("responses", _("when the research team answers my comment")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )
    email_comment_text = forms.BooleanField(
        label=_("Put the words of comments and answers in my emails"),
        help_text=_(
            "If this is not ticked, emails only say that there is something new, and you "
            "read it on the site after signing in. Leave it unticked if others can read "
            "your email."
        ),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language of emails"),
        choices=language_choices,
        widget=forms.RadioSelect,
        # Left out, her emails stay in the language they were in.
        required=False,
        error_messages={"invalid_choice": _("Choose the language of your emails.")},
    )

    def __init__(self, *args: object, member: Member, **kwargs: object) -> None:
        self.member = member
        kwargs.setdefault(
            "initial",
            {
                "pseudonym": member.pseudonym,
                "notifications": [
                    choice
                    for choice, attribute in NOTIFICATION_FIELDS.items()
                    if getattr(member, attribute)
                ],
                "email_comment_text": member.email_comment_text,
                "language": member.email_language,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_pseudonym(self) -> str:
        user = self.member.user
        return pseudonym_checked(
            pseudonym=self.cleaned_data["pseudonym"],
            real_names=[user.first_name, user.last_name, user.email.split("@")[0]],
            member=self.member,
        )

    def service_arguments(self) -> dict:
        chosen = set(self.cleaned_data["notifications"])
        return {
            "pseudonym": self.cleaned_data["pseudonym"],
            **{attribute: choice in chosen for choice, attribute in NOTIFICATION_FIELDS.items()},
            "email_comment_text": self.cleaned_data["email_comment_text"],
            "language": self.cleaned_data["language"] or self.member.email_language,
        }


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the right format, like name@example.com."),
        },
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    new_password1 = new_password_field(
        label=_("New password"), required=_("Enter a new password.")
    )
    new_password2 = new_password_field(
        label=_("Confirm your new password"), required=_("Enter your new password again.")
    )

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def clean(self) -> dict:
        # Django reports a weak password on the confirmation; she needs it on the first box.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_incorrect": _("Your current password is not right. Enter it again."),
    }
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user, *args, request: HttpRequest | None = None, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        """Her current password is checked as a sign-in is, so wrong guesses count towards
        the sign-in lockout: a session left open cannot be used to guess it without end."""
        old_password = self.cleaned_data["old_password"]
        signed_in = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if signed_in is None or signed_in.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


# Round ----------------------------------------------------------------------------------
#
# The forms a member uses inside a round. They carry what she sent and nothing more: the
# services decide what is valid, so the rules live in one place, and their errors, keyed by
# these fields' names, are put back on the form beside the field she has to fix. Fields
# have no max_length, so text that is too long reaches the service and comes back with its
# message rather than being cut short.

SCORE_PATTERN = re.compile(r"[0-9]{1,3}")

FORM_OUT_OF_DATE = _(
    "This form was out of date, so nothing has been saved yet. Check what you entered and "
    "send it again."
)


class IssuedHiddenField(forms.CharField):
    """A hidden value the server issues each time it renders the form: a form shown again
    after an error carries a fresh one, never the one that was sent."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Whatever came back is judged by the form as a whole (a token that does not
        # verify is "out of date"), never shown beside a field she cannot see.
        self.validators = []

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial


class FormTokenMixin:
    """A one-time token (``consultations.form_tokens``) so the database can recognise the
    same form sent twice. A missing or altered token is refused as out of date: she keeps
    what she typed, and the form shown again carries a fresh token."""

    form_token_purpose: str

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["form_token"] = IssuedHiddenField(required=False, initial=self.token_issue)

    def token_issue(self) -> str:
        return form_tokens.form_token_issue(
            member_pk=self.member.pk, purpose=self.form_token_purpose
        )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        token = form_tokens.form_token_read(
            member_pk=self.member.pk,
            purpose=self.form_token_purpose,
            token=cleaned_data.get("form_token") or "",
        )
        if token is None:
            raise ValidationError(FORM_OUT_OF_DATE, code="form_token")
        cleaned_data["form_token"] = token
        return cleaned_data


class StartedFromMixin:
    """The version of her comment the form was rendered from, so a change made meanwhile in
    another tab is noticed instead of silently undone (``services.comment_edit``)."""

    def __init__(self, *args: Any, started_from: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=started_from
        )

    def started_from(self) -> int:
        """The version she started from; 0, which is no version, if the form lost it."""
        value = str(self.data.get("version", ""))
        return int(value) if value.isdigit() and len(value) < 19 else 0

    def restart_from(self, version_pk: int | None) -> None:
        """Show the form again as started from the current version: once she has seen
        the current words, saving again is her considered choice."""
        self.data = self.data.copy()
        self.data["version"] = str(version_pk or "")


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


class RatingForm(FormTokenMixin, ServiceErrorsMixin, forms.Form):
    """Her rating of one item: a score on the round's scale or an abstention, in one choice."""

    form_token_purpose = form_tokens.RATING

    block_id = forms.CharField(widget=forms.HiddenInput, required=False)
    choice = forms.CharField(label=_("Your rating"), required=False, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why you chose this rating (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    max_lengths = {"reason": REASON_MAX_LENGTH}

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
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


class CommentTextForm(ServiceErrorsMixin, forms.Form):
    """The words of a comment: what posting and changing one share."""

    quote = forms.CharField(
        label=_("The words you mean (optional)"),
        help_text=_("Copy the words from the requirement that your comment is about."),
        required=False,
    )
    body = forms.CharField(
        label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    max_lengths = {"quote": QUOTE_MAX_LENGTH, "body": COMMENT_MAX_LENGTH}


class CommentChangeForm(StartedFromMixin, CommentTextForm):
    """Her own comment, to change its words."""


class CommentForm(FormTokenMixin, CommentTextForm):
    """A comment on an item or on the whole page, or a reply to a comment."""

    form_token_purpose = form_tokens.COMMENT

    block_id = forms.CharField(widget=forms.HiddenInput, required=False)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Beside each item the box starts smaller than on the page for changing it.
        self.fields["body"].widget.attrs["rows"] = 4


class CommentWithdrawForm(StartedFromMixin, ServiceErrorsMixin, forms.Form):
    """Her confirmation that she withdraws a comment: nothing to fill in, but the service's
    refusal needs a place to be shown."""
