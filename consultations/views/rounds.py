"""A round as a member takes part in it: the pinned pages, her ratings and comments."""

from django.http import Http404, HttpRequest, HttpResponse


def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    raise Http404


def round_page(request: HttpRequest, round_pk: int, page_pk: int) -> HttpResponse:
    raise Http404


def rate(request: HttpRequest, round_pk: int, page_pk: int) -> HttpResponse:
    raise Http404


def comment(request: HttpRequest, round_pk: int, page_pk: int) -> HttpResponse:
    raise Http404


def comment_edit(request: HttpRequest, round_pk: int, comment_pk: int) -> HttpResponse:
    raise Http404


def comment_withdraw(request: HttpRequest, round_pk: int, comment_pk: int) -> HttpResponse:
    raise Http404
