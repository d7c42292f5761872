"""WSGI entry point; a deployed server uses the production settings unless told otherwise."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# What is loaded by now (Django, Wagtail, the apps, the settings) lives as long as the
# process: set apart from the garbage collector, which otherwise walks all of it again on
# every full collection, about every twenty requests of a large page.
gc.freeze()
