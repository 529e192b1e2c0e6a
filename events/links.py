"""``reverse()`` for the links a page or response repeats hundreds of times.

An event's API response links every claim, speaker, article and place it nests: several
hundred URLs. ``django.urls.reverse()`` re-walks the resolver, re-matches the pattern and
re-quotes the arguments for each one, and profiles showed it among the largest costs of a
request. ``fast_reverse()`` asks ``reverse()`` once per route (and script prefix) for the
URL of a marker value, keeps the text around the marker, and afterwards only quotes the
value and joins the three. The result is the string ``reverse()`` returns (tests compare
them); the route's converter is not re-checked, so give it values the model already
validated (slugs, primary keys).
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.regex_helper import _lazy_re_compile

# A value every converter we use accepts (slug, str, int) and no route contains.
_MARKER = "90817263544536271"
_SAFE = "!$&'()*+,;=" + "/~:@"  # what django.urls.resolvers quotes with (RFC 3986 sub-delims)
_ASCII_SAFE = _lazy_re_compile(r"^[-a-zA-Z0-9_]+$")


@functools.lru_cache(maxsize=256)
def _template(view_name: str, kwarg: str, prefix: str) -> tuple[str, str]:
    url = reverse(view_name, kwargs={kwarg: _MARKER})
    head, sep, tail = url.partition(_MARKER)
    if not sep or _MARKER in tail:
        raise ValueError(f"Cannot make a URL template of {view_name!r}.")
    return head, tail


def fast_reverse(view_name: str, kwarg: str, value) -> str:
    """``reverse(view_name, kwargs={kwarg: value})``, without walking the resolver again."""
    head, tail = _template(view_name, kwarg, get_script_prefix())
    text = str(value)
    if not _ASCII_SAFE.match(text):
        text = quote(text, safe=_SAFE)
    return f"{head}{text}{tail}"


@receiver(setting_changed)
def _forget_templates(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _template.cache_clear()
