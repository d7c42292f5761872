"""Settings for ``bench/run``: production's, relaxed only where one machine cannot give what
a deployment has. bench/run sets the environment production demands (a random
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, and REDIS_URL naming a local Redis database).

Relaxed here:
- plain HTTP: no TLS-terminating proxy in front, so no redirect to HTTPS (production's own
  SECURE_SSL_REDIRECT=false does that) and cookies that are not marked HTTPS-only;
- the static files are collected into var/bench/static, beside the worktree's own;
- a member may send ratings far faster than the limit allows a person, because the load
  generator sends hundreds a second as one member: the limit is still counted in Redis on
  every rating, as in production, and never reached.

Two-factor sign-in stays required: bench/run's editor session is verified with a device,
as after a real sign-in.
"""

from cms.settings.production import *

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT = VAR_DIR / "bench" / "static"
CONSULTATIONS_RATE_LIMITS = {**CONSULTATIONS_RATE_LIMITS, "rating": "100000000/10m"}
