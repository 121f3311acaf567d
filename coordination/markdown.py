"""Minutes are written in Markdown and shown as sanitised HTML.

Two independent layers: markdown-it renders with raw HTML switched off (a ``<script>`` typed
into the minutes comes out as text) and refuses ``javascript:``/``vbscript:``/``data:`` links;
nh3 (the Ammonia sanitiser) then keeps only the tags, attributes and URL schemes below, so a
bug or a plugin in the first layer still cannot let a script, an event handler or a
``javascript:`` URL through. tests/coordination/test_markdown.py holds both layers to it.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable(["table", "strikethrough"])


def render_markdown(text: str) -> SafeString:
    """Sanitised HTML of Markdown ``text``; images are left out (minutes link to attachments)."""
    return sanitise_html(_renderer.render(text or ""))


def sanitise_html(html: str) -> SafeString:
    """Only the allowed tags, attributes and URL schemes of ``html``; the rest is dropped."""
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
