"""SOQL text -> tokens, with Salesforce's error type and wording for what the lexer refuses.

Every error carries the row/column excerpt real error bodies start with (`located`), and string
literals decode only the escapes SOQL documents.
"""

import re
from typing import NamedTuple

from ..org.errors import ApiError


class SoqlError(ApiError):
    """A query Salesforce would refuse: always HTTP 400."""

    def __init__(self, code: str, message: str):
        super().__init__(400, code, message)


def located(text: str, pos: int, message: str) -> str:
    """Prefix `message` with the query line, a caret and Salesforce's 'ERROR at Row:r:Column:c'."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    row, col = text.count("\n", 0, pos) + 1, pos - start + 1
    return f"\n{text[start:end]}\n{' ' * (col - 1)}^\nERROR at Row:{row}:Column:{col}\n{message}"


# ----- tokens -------------------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<baddate>\d{4}-\d{2}-\d{2}T[^\s,()]*)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),:])
""", re.VERBOSE | re.DOTALL)

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


class Token(NamedTuple):
    kind: str  # ident, string, number, date, datetime, op, punct, eof
    text: str
    pos: int

    def word(self) -> str | None:
        """The upper-cased identifier, for keyword checks (None for non-identifiers)."""
        return self.text.upper() if self.kind == "ident" else None


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None or m.lastgroup == "baddate":
            bad = m.group() if m else text[pos]
            raise SoqlError("MALFORMED_QUERY", located(text, pos, f"unexpected token: '{bad}'"))
        if m.lastgroup != "ws":
            tokens.append(Token(m.lastgroup, m.group(), pos))
        pos = m.end()
    tokens.append(Token("eof", "<EOF>", len(text)))
    return tokens


def unescape(body: str, like: bool) -> str:
    """Decode a string literal's backslash escapes. For LIKE, return a DuckDB pattern (escape `\\`).

    SOQL allows only the documented escapes; `\\%` and `\\_` only inside LIKE. Raises ValueError
    naming the offending sequence otherwise.
    """
    def one(m: re.Match) -> str:
        seq = m.group(1)
        if len(seq) == 5:
            ch = chr(int(seq[1:], 16))
        elif seq in "%_" and like:
            return "\\" + seq
        elif seq.lower() in _ESCAPES:
            ch = _ESCAPES[seq.lower()]
        else:
            raise ValueError(f"\\{seq}")
        return "\\" + ch if like and ch in "%_\\" else ch

    return _ESCAPE_RE.sub(one, body)
