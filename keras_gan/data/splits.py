"""Split names with TFDS-style slicing for the sources that are not TFDS
datasets (`"train"`, `"train[:80%]"`, `"train[100:]"`)."""

import re

__all__ = [
    "split_range",
]

_SPLIT_RE = re.compile(
    r"^(?P<base>\w+)(?:\[(?P<start>-?\d+%?)?:(?P<stop>-?\d+%?)?\])?$"
)


def split_range(split, sizes):
    """`(start, stop)` of split `"name"` or `"name[a:b]"` in `sizes`."""
    match = _SPLIT_RE.match(split) if isinstance(split, str) else None
    if match is None or match["base"] not in sizes:
        raise ValueError(
            "Invalid value for argument `split`. Expected one of "
            f"{list(sizes)}, optionally sliced ('train[:80%]', "
            f"'train[100:]'). Received: split={split!r}"
        )
    size = sizes[match["base"]]

    def bound(text, default):
        if text is None:
            return default
        if text.endswith("%"):
            value = round(int(text[:-1]) * size / 100)
        else:
            value = int(text)
        if value < 0:
            value += size
        return min(max(value, 0), size)

    start, stop = bound(match["start"], 0), bound(match["stop"], size)
    return start, max(start, stop)
