"""The project's URLs and one more that nobody has declared: the matrix must name it."""

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as project_urlpatterns


def undeclared(request: object) -> HttpResponse:
    return HttpResponse("A view nobody declared.")


urlpatterns = [
    path("consultations/undeclared/", undeclared, name="undeclared_view"),
    *project_urlpatterns,
]
