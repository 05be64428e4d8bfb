"""The Markdown subset of room messages, rendered on the server and sanitised with nh3.

Allowed: paragraphs and line breaks, **bold**, *italic*, ~~strikethrough~~, `code`, code blocks,
quotes, lists and links; bare addresses become links. Not allowed: raw HTML (shown as text),
headings, tables and images (an image becomes a plain link: no remote image is ever loaded).
Every link gets rel="nofollow noopener". Mentions are written `@**Display name**`, or
`@**Display name|id**` as the autocomplete inserts them; the caller passes the people a
mention may point at.
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
MENTION_SOURCE = re.compile(r"@\*\*([^*|\n]{1,80})(?:\|(\d{1,10}))?\*\*")
ASCII_ID = re.compile(r"[0-9]{1,10}")
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


def mentions_written(body: str) -> tuple[set[str], set[int]]:
    """The folded names and the person ids written as mentions (`@**Name**`, `@**Name|12**`)."""
    names, ids = set(), set()
    for match in MENTION_SOURCE.finditer(body):
        names.add(match.group(1).strip().casefold())
        if match.group(2):
            ids.add(int(match.group(2)))
    return names, ids


def message_render(body: str, readers: dict[int, str] | None = None) -> Rendered:
    """HTML for a message. `readers` maps the ids of people who may read the room to their
    display names (those the mentions could mean); a mention of anyone else stays plain text.
    `@**Name|12**` means person 12 (the autocomplete writes this form, so two people with the
    same name are told apart); `@**Name**` means every reader of that name."""
    readers = readers or {}
    by_name: dict[str, list[int]] = {}
    for pk, name in sorted(readers.items()):
        by_name.setdefault(name.strip().casefold(), []).append(pk)
    mentioned: set[int] = set()

    def mention(match):
        written = match.group(1)
        name, separator, number = written.rpartition("|")
        if separator and ASCII_ID.fullmatch(number):
            people = [int(number)] if int(number) in readers else []
            if people:
                name = escapeHtml(readers[people[0]])  # the person's own name, not what was typed
        else:
            name = written
            people = by_name.get(_unescape(name).strip().casefold(), [])
        if not people:
            return f"@<strong>{name}</strong>"
        mentioned.update(people)
        return f'<span data-person="{people[0]}">@{name}</span>'

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
