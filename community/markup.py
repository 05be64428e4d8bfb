"""The Markdown subset of room messages, rendered on the server and sanitised with nh3.

Allowed: paragraphs and line breaks, **bold**, *italic*, ~~strikethrough~~, `code`, code blocks,
quotes, lists and links; bare addresses become links. Not allowed: raw HTML (shown as text),
headings, tables and images (an image becomes a plain link: no remote image is ever loaded).
Every link gets rel="nofollow noopener". Mentions are written `@**Display name**` (the
autocomplete inserts them); the caller passes the people a name may point at.
"""

import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML

LINK_REL = "nofollow noopener"
ALLOWED_TAGS = {"p", "br", "strong", "em", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "span": {"data-person"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION_SOURCE = re.compile(r"@\*\*([^*\n]{1,80})\*\*")
MENTION_RENDERED = re.compile(r"@<strong>([^<]{1,200})</strong>")


class _ImagesAsLinks(RendererHTML):
    def image(self, tokens, idx, options, env):
        token = tokens[idx]
        label = self.renderInlineAsText(token.children or [], options, env) or token.attrGet("src")
        return f'<a href="{escapeHtml(token.attrGet("src") or "")}">{escapeHtml(label)}</a>'


_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True}, renderer_cls=_ImagesAsLinks)
    .enable(["linkify", "strikethrough"])
    .disable(["heading", "lheading", "hr", "html_block", "html_inline", "reference"])
)


@dataclass(frozen=True)
class Rendered:
    html: str
    mentioned_ids: frozenset[int]


def mention_names(body: str) -> set[str]:
    """The names written as mentions, folded for lookup."""
    return {match.group(1).strip().casefold() for match in MENTION_SOURCE.finditer(body)}


def message_render(body: str, people_by_name: dict[str, int] | None = None) -> Rendered:
    """HTML for a message. `people_by_name` maps folded display names to person ids of those
    who may read the room; a mention of anyone else stays plain text."""
    people_by_name = people_by_name or {}
    mentioned: set[int] = set()

    def mention(match):
        name = match.group(1)
        person = people_by_name.get(_unescape(name).strip().casefold())
        if person is None:
            return match.group(0)
        mentioned.add(person)
        return f'<span data-person="{person}">@{name}</span>'

    html = _markdown.render(body)
    html = MENTION_RENDERED.sub(mention, html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return Rendered(clean.strip(), frozenset(mentioned))


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
