"""SOQL tokens -> syntax tree: the recursive-descent parser behind engine.compile_soql.

Hand-written (no parser generator) so every syntax error carries Salesforce's wording
(`unexpected token: 'FRM'`) and the row/column excerpt real error bodies start with.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import NamedTuple

from .lexer import SoqlError, Token, located, tokenize, unescape

MAX_QUERY_LENGTH = 100_000
AGGREGATES = ("COUNT", "COUNT_DISTINCT", "SUM", "MIN", "MAX", "AVG")
_CLAUSES = {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "WITH", "FOR", "USING"}


# ----- syntax tree --------------------------------------------------------------------------------
class FieldRef(NamedTuple):  # `Account.Owner.Email` -> path ("Account", "Owner", "Email")
    path: tuple[str, ...]
    pos: int


class Aggregate(NamedTuple):  # COUNT(Id) cnt; func is upper case, one of AGGREGATES
    func: str
    arg: FieldRef
    alias: str | None
    pos: int


class Value(NamedTuple):  # kind: string, like, number, null, boolean, date, datetime, relative
    kind: str
    value: object  # relative: (NAME, n or None), checked by the compiler
    pos: int
    text: str


class Compare(NamedTuple):  # op: = != < <= > >= like
    field: FieldRef
    op: str
    value: Value


class InList(NamedTuple):
    field: FieldRef
    negate: bool
    values: tuple[Value, ...]


class Logic(NamedTuple):  # op: AND / OR
    op: str
    items: tuple


class Not(NamedTuple):
    item: object


class OrderItem(NamedTuple):
    target: FieldRef | Aggregate
    desc: bool
    nulls_first: bool | None


@dataclass
class Query:
    items: list = field(default_factory=list)  # FieldRef | Aggregate
    count_only: bool = False
    object_name: str = ""
    object_pos: int = 0
    where: object = None
    group_by: list[FieldRef] = field(default_factory=list)
    order_by: list[OrderItem] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None


# ----- parser -------------------------------------------------------------------------------------
class Parser:
    """One instance per query: `Parser(text).parse()` -> Query."""

    def __init__(self, text: str):
        if len(text) > MAX_QUERY_LENGTH:
            raise SoqlError("MALFORMED_QUERY",
                            f"SOQL statements cannot be longer than {MAX_QUERY_LENGTH} characters.")
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def fail(self, tok: Token, message: str | None = None) -> SoqlError:
        msg = message or f"unexpected token: '{tok.text}'"
        return SoqlError("MALFORMED_QUERY", located(self.text, tok.pos, msg))

    def accept(self, *words: str) -> bool:
        """Consume the keywords `words` if they come next (case-insensitive)."""
        if all(self.peek(k).word() == w for k, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        for w in words:
            if not self.accept(w):
                raise self.fail(self.peek())

    def expect_punct(self, ch: str) -> Token:
        tok = self.advance()
        if tok.text != ch or tok.kind != "punct":
            raise self.fail(tok)
        return tok

    def comma_list(self, item) -> list:
        items = [item()]
        while self.peek().text == ",":
            self.advance()
            items.append(item())
        return items

    def integer(self) -> int:
        tok = self.advance()
        if tok.kind != "number" or not tok.text.isdigit():
            raise self.fail(tok)
        return int(tok.text)

    # -- grammar
    def parse(self) -> Query:
        q = Query()
        self.expect("SELECT")
        self.select_list(q)
        self.expect("FROM")
        tok = self.advance()
        if tok.kind != "ident" or "." in tok.text:
            raise self.fail(tok)
        q.object_name, q.object_pos = tok.text, tok.pos
        if self.accept("WHERE"):
            q.where = self.condition()
        if self.accept("WITH"):
            raise self.fail(self.tokens[self.i - 1],
                            "WITH clauses are not supported by the emulator")
        if self.accept("GROUP", "BY"):
            q.group_by = self.comma_list(self.field_ref)
        if self.peek().word() == "HAVING":
            raise self.fail(self.peek(), "HAVING is not supported by the emulator")
        if self.accept("ORDER", "BY"):
            q.order_by = self.comma_list(self.order_item)
        if self.accept("LIMIT"):
            q.limit = self.integer()
        if self.accept("OFFSET"):
            q.offset = self.integer()
        if self.peek().kind != "eof":
            raise self.fail(self.peek())
        return q

    def select_list(self, q: Query) -> None:
        tok = self.peek()
        if tok.word() == "COUNT" and self.peek(1).text == "(" and self.peek(2).text == ")":
            self.i += 3
            q.count_only = True  # COUNT() stands alone: a following comma is unexpected
        else:
            q.items = self.comma_list(self.select_item)

    def select_item(self):
        tok = self.peek()
        if tok.text == "(":
            raise self.fail(tok, "child relationship subqueries are not supported by the emulator")
        if tok.word() == "TYPEOF":
            raise self.fail(tok, "TYPEOF is not supported by the emulator")
        if tok.word() == "FROM" or (tok.word() == "COUNT" and self.peek(1).text == "("
                                    and self.peek(2).text == ")"):
            raise self.fail(tok)
        return self.aggregate() if self.peek(1).text == "(" else self.field_ref()

    def aggregate(self, alias_ok: bool = True) -> Aggregate:
        tok = self.advance()
        if tok.word() not in AGGREGATES:
            raise self.fail(tok, f"function {tok.text}() is not supported by the emulator")
        self.expect_punct("(")
        arg = self.field_ref()
        self.expect_punct(")")
        alias = None
        nxt = self.peek()
        if alias_ok and nxt.kind == "ident" and "." not in nxt.text and nxt.word() not in _CLAUSES:
            alias = self.advance().text
        return Aggregate(tok.word(), arg, alias, tok.pos)

    def field_ref(self) -> FieldRef:
        tok = self.advance()
        if tok.kind != "ident":
            raise self.fail(tok)
        if self.peek().text == "(":
            raise self.fail(tok, f"function {tok.text}() is not supported here by the emulator")
        return FieldRef(tuple(tok.text.split(".")), tok.pos)

    def order_item(self) -> OrderItem:
        target = self.aggregate(alias_ok=False) if self.peek(1).text == "(" else self.field_ref()
        desc = self.accept("DESC")
        if not desc:
            self.accept("ASC")
        nulls_first = None
        if self.accept("NULLS"):
            nulls_first = self.accept("FIRST")
            if not nulls_first:
                self.expect("LAST")
        return OrderItem(target, desc, nulls_first)

    def condition(self):
        """Conditions joined by one operator; mixing AND and OR needs parentheses in SOQL."""
        items, op = [self.unary()], None
        while self.peek().word() in ("AND", "OR"):
            tok = self.advance()
            if op is not None and tok.word() != op:
                raise self.fail(tok)
            op = tok.word()
            items.append(self.unary())
        return Logic(op, tuple(items)) if op else items[0]

    def unary(self):
        if self.accept("NOT"):
            return Not(self.unary())
        if self.peek().text == "(" and self.peek().kind == "punct":
            self.advance()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.predicate()

    def predicate(self):
        ref = self.field_ref()
        tok = self.advance()
        if tok.kind == "op":
            return Compare(ref, "!=" if tok.text == "<>" else tok.text, self.value())
        word = tok.word()
        if word == "LIKE":
            val = self.advance()
            if val.kind != "string":
                raise self.fail(val)
            pattern = self.string(val, like=True)
            return Compare(ref, "like", Value("like", pattern, val.pos, val.text))
        if word == "IN" or (word == "NOT" and self.accept("IN")):
            return InList(ref, word == "NOT", self.value_list())
        if word in ("INCLUDES", "EXCLUDES"):
            raise self.fail(tok, f"{word} is not supported by the emulator")
        raise self.fail(tok)

    def value_list(self) -> tuple[Value, ...]:
        self.expect_punct("(")
        if self.peek().word() == "SELECT":
            raise self.fail(self.peek(), "semi-join subqueries are not supported by the emulator")
        values = tuple(self.comma_list(self.value))
        self.expect_punct(")")
        return values

    def string(self, tok: Token, like: bool) -> str:
        try:
            return unescape(tok.text[1:-1], like)
        except ValueError as exc:
            raise self.fail(tok, f"Invalid string literal {tok.text}. "
                                 f"Illegal character sequence '{exc}' in string literal.") from None

    def value(self) -> Value:
        tok = self.advance()
        kind, word = tok.kind, tok.word()
        try:
            if kind == "string":
                return Value("string", self.string(tok, like=False), tok.pos, tok.text)
            if kind == "number":
                num = float(tok.text) if "." in tok.text else int(tok.text)
                return Value("number", num, tok.pos, tok.text)
            if kind == "date":
                return Value("date", date.fromisoformat(tok.text), tok.pos, tok.text)
            if kind == "datetime":
                stamp = datetime.fromisoformat(tok.text).astimezone(timezone.utc)
                return Value("datetime", stamp.replace(tzinfo=None), tok.pos, tok.text)
        except ValueError:
            raise self.fail(tok, f"invalid date or number literal: {tok.text}") from None
        if word in ("NULL", "TRUE", "FALSE"):
            kind = "null" if word == "NULL" else "boolean"
            return Value(kind, word == "TRUE" if kind == "boolean" else None, tok.pos, tok.text)
        if kind == "ident" and "." not in tok.text:
            return self.relative(tok)
        raise self.fail(tok)

    def relative(self, tok: Token) -> Value:
        """TODAY, LAST_N_DAYS:7 ...: kept symbolic; the compiler checks the name, makes a range."""
        n = None
        if self.peek().text == ":":
            self.advance()
            n = self.integer()
        return Value("relative", (tok.word(), n), tok.pos, tok.text)
