"""Signing in and out, and passwords, at /accounts/: members never need the Wagtail admin.

The URL names are Django's own, so ``{% url 'login' %}`` and the password reset email's
links work as Django documents them.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from consultations.views import accounts

urlpatterns = [
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("password/change/", accounts.password_change, name="password_change"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
