"""The base of the admin pages about one round (its results, response rates, report,
exports, what changed and "you said, we did"): found by the ``pk`` in the address, shown
below the round in the breadcrumbs, open to editors who may view or change rounds unless a
page asks for more."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import capfirst
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from consultations.models import Round


class RoundAdminView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = Round
    any_permission_required = ["view", "change"]
    header_icon = "clipboard-list"
    index_url_name = "rounds:index"
    object: Round

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Round, pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Round._meta.verbose_name_plural),
            },
            {"url": reverse("rounds:inspect", args=[self.object.pk]), "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            round=self.object, inspect_url=reverse("rounds:inspect", args=[self.object.pk])
        )
        return context
