"""Template tags for the admin templates that start Wagtail's widgets without inline code."""

import json

from django import template
from django.utils.safestring import SafeString

from cms.admin_scripts import admin_init_script

register = template.Library()


@register.simple_tag
def admin_init(function: str, *args: object, json_arg: str = "", new: bool = False) -> SafeString:
    """A data block for admin_init.js: ``function(*args, json_arg)``, where ``json_arg`` is
    the JSON text Wagtail already writes (a date widget's config, a panel's options)."""
    extra = [json.loads(json_arg)] if json_arg else []
    return admin_init_script(function, *args, *extra, construct=new)
