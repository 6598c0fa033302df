"""The Content-Disposition header of a download whose name may hold any text (a class name, say)."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote


def attachment(filename: str) -> str:
    """``attachment`` with the name as RFC 6266 and RFC 5987 give it: percent-encoded UTF-8 in ``filename*``, and an
    ASCII ``filename`` for browsers that ignore that, without quotes, backslashes or percent signs. Line breaks and
    other control characters are dropped from both, so no name can end the header or start another."""
    name = "".join(c for c in filename if c.isprintable())
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c for c in ascii_name if c not in '"\\%') or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
