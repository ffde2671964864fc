"""Template tags of the portal layout."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def include_if_exists(context: template.Context, name: str, **extra: Any) -> SafeString:
    """Render ``name`` with the current context (plus ``extra``) if the template exists, else nothing.

    Django's {% include %} has no "ignore missing"; pages use this for blocks another app fills in later
    (e.g. integrations/_record_links.html). Only a missing ``name`` is ignored: errors inside it still raise.
    Use ``{% include_if_exists "x.html" as html %}{% if html %}…{% else %}fallback{% endif %}`` for a fallback.
    """
    try:
        tmpl = get_template(name)
    except template.TemplateDoesNotExist as exc:
        if exc.args and exc.args[0] != name:
            raise
        return mark_safe("")
    values = context.flatten()
    values.update(extra)
    return mark_safe(tmpl.render(values, context.get("request")).strip())  # noqa: S308  (rendered, autoescaped)
