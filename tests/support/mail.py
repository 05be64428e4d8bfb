"""Read the e-mails a Daphne process wrote with Django's file-based e-mail backend."""

import email
import re
import time
from email import policy
from pathlib import Path


def messages_in(mail_dir: Path) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        # The file backend separates messages with a line of 79 dashes.
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(email.message_from_string(chunk.strip() + "\n", policy=policy.default))
    return found


def wait_for_link(mail_dir: Path, *, to: str, pattern: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in messages_in(mail_dir):
            if to in message["To"]:
                body = message.get_body(preferencelist=("plain",)).get_content()
                match = re.search(pattern, body)
                if match:
                    return match.group(0)
        time.sleep(0.2)
    raise AssertionError(f"No e-mail to {to} with a link matching {pattern!r} within {timeout}s")
