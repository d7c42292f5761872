"""The member's own pages: joining from an invitation, her dashboard and her profile."""

from django.http import Http404, HttpRequest, HttpResponse


def dashboard(request: HttpRequest) -> HttpResponse:
    raise Http404


def join(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def profile(request: HttpRequest) -> HttpResponse:
    raise Http404


def withdraw(request: HttpRequest) -> HttpResponse:
    raise Http404
