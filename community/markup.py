"""The Markdown subset of room messages, rendered on the server and sanitised with nh3.

Allowed: paragraphs and line breaks, **bold**, *italic*, ~~strikethrough~~, `code`, code blocks,
quotes, lists and links; bare addresses become links. Not allowed: raw HTML (shown as text),
headings, tables and images (an image becomes a plain link: no remote image is ever loaded).
Every link gets rel="nofollow noopener".

Mentions: people write "@" and a name as it is shown ("@Sofie (HvhK Aalst)"); the longest name of
one of the people the caller passes that follows an "@" is a mention, when only one of them carries
it, or when the autocomplete chose one of the namesakes (`chosen`, their ids in the order they
appear). Never inside code, a link or an e-mail address. Messages written before keep their
markup, `@**Display name**` (every reader of that name) or `@**Display name|id**` (what the
autocomplete wrote until people stopped seeing it), which still renders as it did. See
docs/realtime.md, "Mentions".
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
# A plain mention starts with an "@" that follows no letter, digit or "@" (so not an e-mail
# address) and comes before a letter or digit; the name is looked up from that word on.
PLAIN_MENTION = re.compile(r"(?<![\w@])@(?=\w)")
PLAIN_MENTION_WORD = re.compile(r"(?<![\w@])@(\w{1,80})")
PLAIN_MENTIONS_MAX = 50
WORD_CHARACTER = re.compile(r"\w")
HTML_TAG = re.compile(r"(<[^>]*>)")
HTML_TAG_NAME = re.compile(r"<(/?)([a-zA-Z]+)")
# Text in these elements is never a mention: code is quoted as written, a link's text is the
# link, and a span is a mention already.
NO_MENTIONS_INSIDE = {"a", "code", "pre", "span"}


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


def plain_mention_words(body: str) -> set[str]:
    """The word after each plain "@" (at most PLAIN_MENTIONS_MAX): a name that a plain mention
    may mean starts with one of them."""
    words = set()
    for match in PLAIN_MENTION_WORD.finditer(body):
        words.add(match.group(1))
        if len(words) >= PLAIN_MENTIONS_MAX:
            break
    return words


def mentions_as_text(body: str) -> str:
    """A message as its author sees it in the edit form: a mention in the old markup reads as
    the plain "@Name" people write now."""
    return MENTION_SOURCE.sub(lambda match: "@" + match.group(1).strip(), body)


def message_render(body: str, readers: dict[int, str] | None = None, *, chosen=()) -> Rendered:
    """HTML for a message. `readers` maps the ids of people who may read the room (and whom the
    author may see) to their display names: those the mentions could mean; a mention of anyone
    else stays plain text. A plain "@Name" means the one reader of the longest such name, or of
    namesakes the one `chosen` (ids in order of appearance; each serves one mention). In the
    old markup, `@**Name|12**` means person 12 and `@**Name**` every reader of that name."""
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
    html = _plain_mentions(html, readers, list(chosen), mentioned)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return Rendered(clean.strip(), frozenset(mentioned))


def _plain_mentions(html: str, readers: dict[int, str], chosen: list[int], mentioned: set[int]) -> str:
    """Wrap each plain "@Name" in the text of `html` (outside NO_MENTIONS_INSIDE) that names one
    reader in the span a mention is; the span shows the person's own name. The text is HTML as
    markdown-it escapes it, so the names are compared escaped the same way."""
    if not readers or "@" not in html:
        return html
    names = sorted(
        ((escapeHtml(name.strip()), pk) for pk, name in readers.items() if name.strip()), key=lambda n: -len(n[0])
    )

    def person_at(text: str, start: int) -> tuple[int, int] | None:
        """Who the name at `start` means, and the length of that name; None if nobody, or not one."""
        longest, people = 0, []
        for name, pk in names:
            if len(name) < longest:
                break
            written = text[start : start + len(name)]
            if written.casefold() != name.casefold():
                continue
            after = text[start + len(name) : start + len(name) + 1]
            if WORD_CHARACTER.match(name[-1]) and WORD_CHARACTER.match(after):
                continue  # "@Anna" is not a mention of An in "@Annabel"
            longest = len(name)
            people.append(pk)
        if len(people) > 1:  # namesakes: only the one the autocomplete chose
            people = [pk for pk in chosen if pk in people][:1]
            if people:
                chosen.remove(people[0])
        return (people[0], longest) if people else None

    def in_text(text: str) -> str:
        parts, done = [], 0
        for match in PLAIN_MENTION.finditer(text):
            if match.start() < done:
                continue
            found = person_at(text, match.start() + 1)
            if found is None:
                continue
            pk, length = found
            mentioned.add(pk)
            parts += [text[done : match.start()], f'<span data-person="{pk}">@{escapeHtml(readers[pk])}</span>']
            done = match.start() + 1 + length
        return "".join(parts) + text[done:]

    out, inside = [], 0
    for part in HTML_TAG.split(html):
        if part.startswith("<"):
            tag = HTML_TAG_NAME.match(part)
            if tag and tag.group(2).lower() in NO_MENTIONS_INSIDE and not part.endswith("/>"):
                inside = max(0, inside - 1) if tag.group(1) else inside + 1
            out.append(part)
        else:
            out.append(in_text(part) if not inside and "@" in part else part)
    return "".join(out)


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
