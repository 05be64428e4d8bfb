"""Login records (docs/privacy.md, register entry "login_records"): one row per successful login,
written by the `user_logged_in` receiver in community/signals.py and removed after the register's
period by `retention.login_records_delete`."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address

from ..models import LoginRecord, User

USER_AGENT_MAX_LENGTH = LoginRecord._meta.get_field("user_agent").max_length


def login_record(*, person: User, ip_address: str | None, user_agent: str, session_key: str) -> LoginRecord:
    """Record one login. `ip_address` is the client's address as the server saw it (REMOTE_ADDR:
    behind the proxy Daphne's `--proxy-headers` puts the client from X-Forwarded-For there, see
    docs/operations.md); an empty or malformed address is stored as unknown."""
    return LoginRecord.objects.create(
        person=person,
        ip_address=_valid_ip(ip_address),
        user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH],
        session_key=session_key or "",
    )


def _valid_ip(address: str | None) -> str | None:
    try:
        validate_ipv46_address(address or "")
    except ValidationError:
        return None
    return address
