"""Forms of the research team's admin: rounds with their pinned pages, members, invitations."""

import contextlib
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.formsets import ORDERING_FIELD_NAME
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel, PageChooserPanel
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page, Revision

from modelcluster.forms import BaseChildFormSet

from consultations import form_tokens
from consultations.enums import (
    Abstention,
    AnswerStatus,
    Constituency,
    EnteredVia,
    Withdrawal,
    YouSaidWeDid,
)
from consultations.forms import FormTokenMixin, language_choices
from consultations.models import ConsultablePageMixin, Member, Round, RoundPage
from consultations.permissions import can_view_member_identity
from consultations.selectors import (
    consultable_page_models,
    consultable_pages,
    pages_with_parent_ids,
    revisions_by_page,
    round_has_contributions,
)
from consultations.services import (
    RULE_FIELDS,
    invitation_email_clean,
    member_real_names,
    pseudonym_clean,
    round_follows_check,
    round_page_pin,
    round_rule_check,
    round_settings_check,
)

ROLE_ONLY_FOR_PROFESSIONALS = gettext_lazy(
    "Only professionals have a professional role. Clear this, or change the constituency "
    "to professional."
)


def revision_label(revision: Revision, *, page: Page, latest: bool) -> str:
    label = date_format(timezone.localtime(revision.created_at), "j M Y, H:i")
    if revision.user is not None:
        # Translators: a page revision: when it was saved, and who saved it.
        label = _("%(when)s, by %(author)s") % {
            "when": label,
            "author": revision.user.get_full_name().strip() or revision.user.get_username(),
        }
    notes = []
    if latest:
        # Translators: of a page revision, as in "12 Mar 2026, 10:15 (latest, published)".
        notes.append(_("latest"))
    if revision.pk == page.live_revision_id:
        # Translators: of a page revision, as in "12 Mar 2026, 10:15 (latest, published)".
        notes.append(_("published"))
    if not notes:
        return label
    # Translators: a page revision, then notes about it: "12 Mar 2026, 10:15 (latest)".
    return _("%(revision)s (%(notes)s)") % {"revision": label, "notes": ", ".join(notes)}


def revision_option(revision: Revision, *, page: Page, title: str, latest: bool) -> str:
    # Translators: an option of the pinned-revision select: the page's title, then the revision.
    return _("%(page)s – %(revision)s") % {
        "page": title,
        "revision": revision_label(revision, page=page, latest=latest),
    }


# Enough to find the draft she means without a select as long as the page's history.
REVISIONS_PER_PAGE = 20


def build_revision_choices(*, pinned: Iterable[int] = ()) -> list[tuple[Any, Any]]:
    """The recent revisions of every page a round can cover, grouped by page, newest
    first, and any already pinned however old."""
    choices: list[tuple[Any, Any]] = [("", _("Latest revision, when you save"))]
    by_page = revisions_by_page(consultable_pages(), most_recent=REVISIONS_PER_PAGE, also=pinned)
    for page, revisions in by_page.items():
        if revisions:
            title = page.get_admin_display_title()
            # The page's title in each option too: a collapsed select, or a screen reader,
            # says the option alone, without its group.
            choices.append(
                (
                    title,
                    [
                        (
                            revision.pk,
                            revision_option(revision, page=page, title=title, latest=index == 0),
                        )
                        for index, revision in enumerate(revisions)
                    ],
                )
            )
    return choices


def consultable_page_types() -> str:
    """The page types a round can cover, by name, whichever apps define them."""
    return ", ".join(sorted(str(model._meta.verbose_name) for model in consultable_page_models()))


class RoundPageChooser(AdminPageChooser):
    """A page chooser that finds its page among those fetched once for all the rows.

    Wagtail's own looks its page up, then the specific page, then the parent: three
    queries a row."""

    known_pages: dict[str, tuple[Page, int | None]] | None = None

    def get_instance(self, value: Any) -> Page | None:
        known = (self.known_pages or {}).get(str(value))
        if known:
            return known[0]
        try:
            return super().get_instance(value)
        except (ValueError, TypeError):
            # A hand-edited id that is no number: the field already reports it, and the
            # form shown again must not fail on it (Wagtail's chooser looks it up as is).
            return None

    def get_value_data_from_instance(self, instance: Page) -> dict[str, Any]:
        known = (self.known_pages or {}).get(str(instance.pk))
        if known is None:
            return super().get_value_data_from_instance(instance)
        # What AdminPageChooser adds, with the parent already known.
        data = super(AdminPageChooser, self).get_value_data_from_instance(instance)
        data["parent_id"] = known[1]
        return data


class RoundPageChooserPanel(PageChooserPanel):
    def get_form_options(self) -> dict[str, Any]:
        options = super().get_form_options()
        options.setdefault("widgets", {})[self.field_name] = RoundPageChooser(
            target_models=self.page_type, can_choose_root=self.can_choose_root
        )
        return options


class RoundPageForm(WagtailAdminModelForm):
    """A page in the round and the revision members read; blank pins the latest one."""

    revision = forms.TypedChoiceField(
        label=gettext_lazy("Pinned revision"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy(
            "Members read this version of the page, even if it was never published."
        ),
    )

    class Meta:
        model = RoundPage
        fields = ["page", "revision"]

    def __init__(
        self, *args: Any, revision_choices: list[tuple[Any, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revision"].choices = (
            revision_choices if revision_choices is not None else build_revision_choices()
        )

    def clean_page(self) -> Page | None:
        page = self.cleaned_data.get("page")
        if page is not None and not issubclass(page.specific_class, ConsultablePageMixin):
            raise ValidationError(
                _(
                    "Members cannot comment on this type of page. Choose a page that can be "
                    "consulted on: %(page_types)s."
                )
                % {"page_types": consultable_page_types()}
            )
        return page

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        page, revision_id = cleaned_data.get("page"), cleaned_data.get("revision")
        if page is None and revision_id is not None:
            # Without a page (its error is already shown) the revision stays a bare id,
            # which the model cannot take: the form is invalid, so drop it.
            del cleaned_data["revision"]
        if page is None or revision_id is None:
            return cleaned_data
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is None:
            self.add_error("revision", _("This revision no longer exists. Choose another."))
            return cleaned_data
        try:
            cleaned_data["revision"] = round_page_pin(page=page, revision=revision)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned_data

    def resolved_revision_id(self) -> int | None:
        """The revision this row pins once saved, without saving anything."""
        revision = self.cleaned_data.get("revision")
        if revision is not None:
            return revision.pk
        page = self.cleaned_data.get("page")
        return page.latest_revision_id if page is not None else None

    def save(self, commit: bool = True) -> RoundPage:
        if self.cleaned_data.get("revision") is None:
            # Pinned now rather than left to mean "latest": later drafts must not change
            # what members read.
            self.instance.revision = round_page_pin(
                page=self.cleaned_data["page"], by=getattr(self, "for_user", None)
            )
        return super().save(commit=commit)


class RoundPageFormSet(BaseChildFormSet):
    @cached_property
    def revision_choices(self) -> list[tuple[Any, Any]]:
        """Built once for all the rows (and the blank row a new page starts from), not per
        row: every row offers the same revisions."""
        pinned: list[int] = []
        if self.instance.pk:
            pinned = list(
                RoundPage.objects.filter(round_id=self.instance.pk).values_list(
                    "revision_id", flat=True
                )
            )
        return build_revision_choices(pinned=pinned)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "revision_choices": self.revision_choices}

    @cached_property
    def forms(self) -> list[RoundPageForm]:
        forms = super().forms
        known = pages_with_parent_ids([str(form["page"].value() or "") for form in forms])
        for form in forms:
            widget = form.fields["page"].widget
            if isinstance(widget, RoundPageChooser):
                widget.known_pages = known
        return forms

    def full_clean(self) -> None:
        super().full_clean()
        # A hand-made request that counts more rows than it sends leaves the extra rows
        # without an order, and Wagtail's inline panel sorts by it to show the form again.
        for form in self.forms:
            if hasattr(form, "cleaned_data"):
                form.cleaned_data.setdefault(ORDERING_FIELD_NAME, None)

    def clean(self) -> None:
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and form.is_valid()
            and (form.instance.pk or form.has_changed())
        ]
        if self.refuse_duplicate_pages(kept):
            # Said beside the field here, rather than as the formset's generic message.
            return
        super().clean()
        if self.instance.pk and round_has_contributions(self.instance):
            self.refuse_changes_after_contributions(kept)

    def refuse_duplicate_pages(self, kept: list[RoundPageForm]) -> bool:
        seen: set[int] = set()
        found = False
        for form in kept:
            page = form.cleaned_data.get("page")
            if page is None:
                continue
            if page.pk in seen:
                form.add_error(
                    "page", _("This page is already in the round. List each page once.")
                )
                found = True
            seen.add(page.pk)
        return found

    def refuse_changes_after_contributions(self, kept: list[RoundPageForm]) -> None:
        pinned = set(
            RoundPage.objects.filter(round_id=self.instance.pk).values_list(
                "page_id", "revision_id"
            )
        )
        submitted = {
            (form.cleaned_data["page"].pk, form.resolved_revision_id())
            for form in kept
            if form.cleaned_data.get("page") is not None
        }
        if submitted == pinned:
            return
        message = _(
            "Members have already commented on or rated this round, so its pages and pinned "
            "revisions cannot change: what they wrote is about the versions they read. To "
            "consult on a new version, open a new round that follows this one."
        )
        for form in kept:
            for name in ("page", "revision"):
                if name in form.changed_data:
                    form.add_error(name, message)
        raise ValidationError(message)


class RoundPagesPanel(InlinePanel):
    """The round's pages, each row with a revision select and the checks above."""

    def get_form_options(self) -> dict[str, Any]:
        options = super().get_form_options()
        options["formsets"][self.relation_name].update(
            form=RoundPageForm, formset=RoundPageFormSet, inherit_kwargs=["for_user"]
        )
        return options


UNREADABLE_RICH_TEXT = gettext_lazy(
    "This text could not be read. Reload the page and type it again."
)


def rich_text_read_safely(form: forms.Form, name: str) -> None:
    """Rich text that is not the editor's JSON (a hand-made request) is refused beside the
    field: Wagtail's editor widget would fail on it with a server error."""
    widget = form.fields[name].widget
    read = widget.value_from_datadict

    def value_from_datadict(data: Any, files: Any, field_name: str) -> Any:
        try:
            return read(data, files, field_name)
        # Not JSON (json.JSONDecodeError), or JSON of another shape than the editor's.
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            form.unreadable_fields.add(field_name)
            return ""

    widget.value_from_datadict = value_from_datadict


class RoundForm(WagtailAdminModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unreadable_fields: set[str] = set()
        if "instructions" in self.fields:
            rich_text_read_safely(self, "instructions")
        if self.instance.pk and "follows" in self.fields:
            self.fields["follows"].queryset = Round.objects.exclude(pk=self.instance.pk)
            # Only the round itself, or one deleted meanwhile, is missing from the list.
            self.fields["follows"].error_messages["invalid_choice"] = _(
                "Choose one of the rounds listed: a round cannot follow itself."
            )
        if self.instance.pk and self.instance.has_opened:
            for name in RULE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Fixed: the round has opened, and its results are judged by the "
                        "rule set before then."
                    )

    def rule_sent(self) -> dict[str, object]:
        """The rating scale and consensus rule as posted, even where the fields are
        disabled (a form loaded before the round opened still sends them)."""
        sent: dict[str, object] = {}
        for name in RULE_FIELDS:
            key = self.add_prefix(name)
            if name not in self.fields or key not in self.data:
                continue
            value = self.data[key]
            with contextlib.suppress(ValidationError):
                value = self.fields[name].to_python(value)
            sent[name] = value
        return sent

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        for name in self.unreadable_fields & set(cleaned_data):
            self.add_error(name, UNREADABLE_RICH_TEXT)
        opens_at, closes_at = cleaned_data.get("opens_at"), cleaned_data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The round must close after it opens."))
        if "follows" in cleaned_data:
            try:
                round_follows_check(
                    round=self.instance, follows=cleaned_data["follows"], opens_at=opens_at
                )
            except ValidationError as error:
                self.add_error(None, error)
        settings = {
            name: cleaned_data[name]
            for name in ("rating_scale", "audience", "comments_visible_to_members")
            if name in cleaned_data
        }
        if len(settings) == 3:
            try:
                round_settings_check(round=self.instance, opens_at=opens_at, **settings)
            except ValidationError as error:
                self.add_error(None, error)
        publishes = cleaned_data.get("you_said_we_did", YouSaidWeDid.NOT_PUBLISHED)
        if publishes != YouSaidWeDid.NOT_PUBLISHED and not cleaned_data.get(
            "comments_visible_to_members", self.instance.comments_visible_to_members
        ):
            self.add_error(
                "you_said_we_did",
                _(
                    "Members of this round were told only the research team reads their "
                    "comments, so its “you said, we did” cannot be published."
                ),
            )
        try:
            round_rule_check(round=self.instance, changes=self.rule_sent())
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned_data

    def save(self, commit: bool = True) -> Round:
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


def role_check(form: forms.ModelForm) -> None:
    constituency = form.cleaned_data.get("constituency")
    if constituency == Constituency.PROFESSIONAL:
        return
    if "professional_role" in form.fields:
        if form.cleaned_data.get("professional_role"):
            form.add_error("professional_role", ROLE_ONLY_FOR_PROFESSIONALS)
    elif form.instance.professional_role:
        # The role is hidden from this user, so it is said beside the field she changed.
        form.add_error(
            "constituency",
            _(
                "This member has a professional role, which only professionals have. Ask "
                "someone who can see members' details to change her constituency."
            ),
        )


PSEUDONYM_COULD_IDENTIFY = gettext_lazy(
    "Choose a different pseudonym: this one could identify her."
)


class MemberForm(WagtailAdminModelForm):
    def clean_pseudonym(self) -> str:
        user = self.instance.user
        try:
            return pseudonym_clean(
                pseudonym=self.cleaned_data.get("pseudonym", ""),
                real_names=member_real_names(user),
                member=self.instance,
            )
        except ValidationError as error:
            errors = error.error_dict["pseudonym"]
            if self.for_user is None or not can_view_member_identity(self.for_user):
                # Naming the rule would let someone who may not know her real name probe
                # it, a guess at a time; the checks that reveal nothing keep their words.
                errors = [
                    ValidationError(PSEUDONYM_COULD_IDENTIFY, code=e.code)
                    if e.code == "real_name"
                    else e
                    for e in errors
                ]
            raise ValidationError(errors) from None

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        role_check(self)
        return cleaned_data


class InvitationForm(WagtailAdminModelForm):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=language_choices,
        required=False,
        initial=settings.LANGUAGE_CODE,
        help_text=gettext_lazy(
            "The invitation email is in this language, and so are the pages its link opens. "
            "She can change it later in her profile."
        ),
    )

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or settings.LANGUAGE_CODE

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        # A new invitation is checked by invitation_create; a changed one is checked here.
        if self.instance.pk is None:
            return email
        try:
            return invitation_email_clean(email=email, invitation=self.instance)
        except ValidationError as error:
            raise ValidationError(error.error_dict["email"]) from None

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        role_check(self)
        return cleaned_data


class MemberWithdrawForm(forms.Form):
    """An editor carries out a member's request to withdraw, made by email, phone or in
    person: the same two choices as her own withdraw page offers."""

    choice = forms.ChoiceField(
        label=gettext_lazy("What should happen to her comments and ratings?"),
        choices=[
            (Withdrawal.ANONYMISED, gettext_lazy("Keep them, without her name")),
            (Withdrawal.DELETED, gettext_lazy("Delete them, with all their versions")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what she asked for.")},
    )
    confirmed = forms.BooleanField(
        label=gettext_lazy("She asked for this, and I have checked that the request is hers."),
        error_messages={
            "required": gettext_lazy("Confirm that the request comes from the member herself.")
        },
    )


# Moderation ------------------------------------------------------------------------------


class ServiceErrorsForm(forms.Form):
    """Puts a service's ``ValidationError`` beside the fields it names; the rest above."""

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.error_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class AnswerForm(ServiceErrorsForm):
    status = forms.ChoiceField(
        label=gettext_lazy("What the research team did with the comment"),
        choices=AnswerStatus.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    response = forms.CharField(
        label=gettext_lazy("Response"),
        help_text=gettext_lazy(
            "The member reads this under her comment, and so do other members where the "
            "round shares comments. Say what the team did and why, in plain words."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )


class HideForm(ServiceErrorsForm):
    reason = forms.CharField(
        label=gettext_lazy("Why it is hidden"),
        help_text=gettext_lazy(
            "The member who wrote it reads this under her comment. Other members no longer "
            "see the comment."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class EntryStartForm(forms.Form):
    """The first step of entering for a member: who, which page, and what."""

    member = forms.ModelChoiceField(
        label=gettext_lazy("Member"),
        queryset=Member.objects.none(),
        empty_label=gettext_lazy("Choose the member, by pseudonym"),
    )
    page = forms.TypedChoiceField(label=gettext_lazy("Page"), coerce=int)
    kind = forms.ChoiceField(
        label=gettext_lazy("What she gave you"),
        choices=[
            ("comment", gettext_lazy("A comment")),
            ("ratings", gettext_lazy("Ratings of the page's items")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, round: Round, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        # By pseudonym only: this form is for every editor.
        self.fields["member"].label_from_instance = lambda member: member.pseudonym
        self.fields["page"].choices = [
            (round_page.page_id, round_page.page.get_admin_display_title())
            for round_page in round.round_pages.select_related("page").order_by("sort_order")
        ]


class EntryConfirmForm(ServiceErrorsForm):
    """How she gave what is entered, and that she agreed to it."""

    via = forms.ChoiceField(
        label=gettext_lazy("How she gave it"),
        choices=EnteredVia.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    agreed = forms.BooleanField(
        label=gettext_lazy("The member agreed to what I am entering"),
        help_text=gettext_lazy(
            "Read it back to her, or show it to her, before you tick this. She will see it "
            "marked as entered for her."
        ),
        required=False,
    )


class EntryCommentForm(FormTokenMixin, EntryConfirmForm):
    """Her comment; its one-time token (``consultations.form_tokens``) is signed for her,
    so a double click stores it once."""

    form_token_purpose = form_tokens.COMMENT

    block_id = forms.ChoiceField(
        label=pgettext_lazy("the part of a page a comment is about", "On"), required=False
    )
    quote = forms.CharField(
        label=gettext_lazy("The words she means (optional)"),
        help_text=gettext_lazy("The words of the item her comment is about, if she named them."),
        required=False,
    )
    body = forms.CharField(
        label=gettext_lazy("Her comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    field_order = ["block_id", "quote", "body", "via", "agreed"]

    def __init__(self, *args: Any, items: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block_id"].choices = [
            ("", _("The whole page")),
            *((item.block_id, f"{item.number} {item.text}") for item in items),
        ]


class EntryRatingsForm(FormTokenMixin, EntryConfirmForm):
    """One choice per item on the round's scale, or an abstention; blank leaves her
    rating of the item as it is. Its one-time token stops the same form, sent twice or
    again later, from storing her ratings again over a change she made since."""

    form_token_purpose = form_tokens.RATING

    def __init__(
        self,
        *args: Any,
        round: Round,
        items: Iterable[Any],
        current: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        scale = round.scale
        choices = [
            ("", _("Leave as it is")),
            *((str(score), scale.labels.get(score, str(score))) for score in scale.scores),
            *Abstention.choices,
        ]
        rating_fields = {
            f"rating-{item.block_id}": forms.ChoiceField(
                label=f"{item.number} {item.text}",
                choices=choices,
                required=False,
                help_text=(
                    _("Her rating now: %(rating)s") % {"rating": current[item.block_id]}
                    if item.block_id in current
                    else _("She has not rated this item.")
                ),
            )
            for item in items
        }
        self.fields = {**rating_fields, **self.fields}

    def choices_given(self) -> dict[str, str]:
        return {
            name.removeprefix("rating-"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("rating-")
        }
