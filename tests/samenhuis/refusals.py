"""What every refusal answers (samenhuis/refusals.py): the status that says why, the site's
layout in Dutch, the sentence saying what happened, and the person's text, exactly as typed
(escaped), in a read-only field they can copy."""

import re

from django.utils.html import escape


def kept_texts(html: str) -> list[str]:
    return re.findall(r'<textarea id="kept-text-\d+" readonly[^>]*>\n(.*?)</textarea>', html, re.S)


def assert_refused(response, *, status: int, text: str, says: str) -> str:
    html = response.content.decode()
    assert response.status_code == status, html[:3000]
    assert '<header class="site-header">' in html and '<main id="main"' in html, "the site's layout"
    assert 'lang="nl-BE"' in html
    assert says in html, html[:3000]
    assert escape(text) in kept_texts(html), kept_texts(html)
    assert response["Cache-Control"] == "private, no-store"
    return html
