"""Response headers and client addresses the whole site shares.

The Content Security Policy comes from django-csp; this module only picks the admin's own
policy for paths under the admin, adds the Permissions-Policy header Django has no setting
for, and says which address a request came from behind the proxy.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from csp.middleware import CSPMiddleware, PolicyParts


class SiteCSPMiddleware(CSPMiddleware):
    """The site's policy everywhere, and ``CONTENT_SECURITY_POLICY_ADMIN`` under its
    ``PATH_PREFIXES`` (the admin) except its ``STRICT_PREFIXES`` (the admin's sign-in).

    Wagtail's admin frames its own previews and its rich text editor adds ``<style>``
    elements, so it needs a looser policy than the pages members and the public read; one
    policy for both would loosen theirs. Its scripts stay strict (cms/admin_scripts.py).
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "is_dummy", False):
            # Before Django's clickjacking middleware, which keeps a header already set.
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return super().process_response(request, response)

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        admin_policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if not report_only and parts.config is None and getattr(request, "is_dummy", False):
            # Wagtail renders a preview by sending a made-up request for the page's own
            # address through the middleware: the page keeps the public policy, but the
            # admin's preview panel must be allowed to frame it.
            parts.config = {
                **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
                "frame-ancestors": ["'self'"],
            }
        elif (
            not report_only
            and parts.config is None
            and admin_policy
            and request.path_info.startswith(tuple(admin_policy["PATH_PREFIXES"]))
            and not request.path_info.startswith(tuple(admin_policy.get("STRICT_PREFIXES", ())))
        ):
            parts.config = admin_policy["DIRECTIVES"]
        return parts


class PermissionsPolicyMiddleware:
    """Turns off browser features the site never uses, so an injected script cannot ask
    for them either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, for sign-in lockouts.

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each appends the address it saw to
    X-Forwarded-For, so the entry that many places from the right is the client's; anything
    further left was written by the client and could be forged to dodge a lockout or to
    lock someone else out. With no proxy, the header is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
