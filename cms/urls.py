from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views

handler500 = "cms.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", include("evidence.api")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# What readers and members see, in their language: English (the default) at /..., the
# others under their code (/pl/..., /ar/...). Wagtail serves every path the patterns
# above do not claim, so it comes last.
urlpatterns += i18n_patterns(
    path("search/", views.search, name="search"),
    path("accounts/", include("consultations.account_urls")),
    path("consultations/", include("consultations.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
