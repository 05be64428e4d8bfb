"""Frames of every live socket: JSON text objects with a string `type` (docs/realtime.md,
"Frames and errors"). The field readers raise `FrameError`, which the consumer answers with a
typed error frame that repeats the frame's `id` and `client_id`."""

MAX_FRAME_BYTES = 64 * 1024
ID_MAX_LENGTH = 100


def echoable(value) -> bool:
    """An `id` or `client_id` a reply may repeat: a short string or an integer."""
    if isinstance(value, str):
        return len(value) <= ID_MAX_LENGTH
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53


def frame_ids(frame) -> dict:
    return {key: frame[key] for key in ("id", "client_id") if key in frame and echoable(frame[key])}


def int_field(frame: dict, name: str, *, required: bool = True, minimum: int = 0) -> int | None:
    value = frame.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FrameError("invalid_field", f"'{name}' must be an integer of at least {minimum}.", field=name)
    return value


def str_field(frame: dict, name: str, *, max_length: int, required: bool = True) -> str:
    value = frame.get(name, None if required else "")
    if not isinstance(value, str) or len(value) > max_length:
        raise FrameError("invalid_field", f"'{name}' must be a string of at most {max_length} characters.", field=name)
    if "\x00" in value or (not value.isascii() and _has_lone_surrogate(value)):
        # JSON can carry them ("\u0000", "\ud800"); no text column can store them.
        message = f"'{name}' must be text without NUL or lone surrogate characters."
        raise FrameError("invalid_field", message, field=name)
    return value


def ids_field(frame: dict, name: str, *, max_length: int = 50) -> list[int]:
    """An optional list of at most `max_length` positive integers (ids of people)."""
    value = frame.get(name, [])
    if not (isinstance(value, list) and len(value) <= max_length and all(is_id(item) for item in value)):
        raise FrameError("invalid_field", f"'{name}' must be a list of at most {max_length} ids.", field=name)
    return value


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class FrameError(Exception):
    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra
