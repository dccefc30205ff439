"""Size limits on every file a user hands nmo (texts, exports, knowledge files), checked before reading.

One limit, `NMO_MAX_INPUT_MB` (default 50), so a 1 GB sparse file or a 200 MB dump is refused at once with
what to do, instead of filling memory for minutes.
"""

from __future__ import annotations

import os
from pathlib import Path

from nmo.errors import UserInputError

LIMIT_ENV = "NMO_MAX_INPUT_MB"
DEFAULT_MAX_INPUT_MB = 50
MB = 1024 * 1024


def max_input_bytes() -> int:
    """The configured limit in bytes; a setting that is not a positive whole number is a user error."""
    configured = os.environ.get(LIMIT_ENV, "").strip()
    if not configured:
        return DEFAULT_MAX_INPUT_MB * MB
    if not configured.isdigit() or int(configured) < 1:
        raise UserInputError(f"Invalid setting: {LIMIT_ENV}={configured!r}.",
                             f"Set {LIMIT_ENV} to a whole number of megabytes, e.g. {DEFAULT_MAX_INPUT_MB}.")
    return int(configured) * MB


def oversize_problem(path: Path) -> str | None:
    """Why the file is too large to read, or None when it fits (a file that cannot be stat'ed fits: the
    read that follows reports it)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    limit = max_input_bytes()
    if size <= limit:
        return None
    return f"{path.name} is {size / MB:,.0f} MB; files over {limit // MB} MB are not read"


def require_readable_size(path: Path) -> None:
    """Raise a user error when the file is over the limit."""
    problem = oversize_problem(path)
    if problem:
        raise UserInputError(
            f"{problem}.",
            f"Split it into smaller files, or raise {LIMIT_ENV} if a file that large is right.",
            zh_problem=f"{problem}（超过大小上限）。",
            zh_fix=f"请拆成几个小文件；确实需要时调高 {LIMIT_ENV}。",
        )
