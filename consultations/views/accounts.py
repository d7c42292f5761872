"""Django's own sign-in, sign-out and password views, in the site's words and layout."""

from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from consultations.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm, SignInForm
from consultations.selectors import member_for_user
from consultations.views.access import member_required
from consultations.views.members import crumbs, dashboard_crumbs


class SignInView(auth_views.LoginView):
    form_class = SignInForm

    def get_default_redirect_url(self) -> str:
        # An editor signing in here without somewhere to go wants the admin, not a page
        # that would refuse her for not being a member.
        user = self.request.user
        if member_for_user(user) is None and user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        return super().get_default_redirect_url()

    def get_context_data(self, **kwargs: object) -> dict:
        return super().get_context_data(breadcrumbs=crumbs(), **kwargs)


class SignOutView(auth_views.LogoutView):
    """POST only, as Django's is: a link cannot sign her out behind her back."""


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("consultations:profile")
    success_message = _("Your password has been changed.")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs: object) -> dict:
        trail = dashboard_crumbs() + [
            {"title": _("Your profile"), "url": reverse("consultations:profile")}
        ]
        return super().get_context_data(breadcrumbs=trail, **kwargs)


password_change = member_required(PasswordChangeView.as_view())


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_context_data(self, **kwargs: object) -> dict:
        return super().get_context_data(breadcrumbs=sign_in_crumbs(), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


def sign_in_crumbs() -> list[dict]:
    return crumbs((_("Sign in"), reverse("login")))
