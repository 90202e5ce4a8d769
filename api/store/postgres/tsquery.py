"""FTS5 query syntax → PostgreSQL `to_tsquery` text: a pure parser.

`mode=fts` promises FTS5 syntax on every backend, so PostgreSQL reads the same language:
barewords and "quoted strings", `prefix*`, `a + b` phrases, `NEAR(a b, N)`, AND / OR / NOT
(NOT binds tightest, then AND and juxtaposition, then OR), parentheses, `column:` and
`{col1 col2}:` filters (`-col:` for every other column), and `^` (kept as a plain term: a
tsvector holds no first-token marker). A filter becomes tsquery weight labels (each searchable
column is stored under its own weight); NEAR becomes AND. What FTS5 rejects is rejected here,
as a `SearchSyntaxError` whose text follows FTS5's (`fts5: syntax error near "x"`,
`no such column: x`).
"""

from __future__ import annotations

from dataclasses import dataclass

from api.store.protocol import SearchSyntaxError

SPECIAL = "(){}:*+-^,"
KEYWORDS = frozenset({"AND", "OR", "NOT"})


@dataclass(frozen=True, slots=True)
class Token:
    """A string (`quoted` says whether it was in double quotes) or one special character."""

    text: str
    quoted: bool = False
    special: bool = False


def _bare(ch: str) -> bool:
    return ord(ch) > 127 or (ch.isascii() and (ch.isalnum() or ch in "_\x1a"))


def tokenize(query: str) -> list[Token]:
    """FTS5's tokens: strings, and the special characters."""
    tokens: list[Token] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch in " \t\n\r\f\v":
            i += 1
        elif ch == '"':
            out: list[str] = []
            i += 1
            while True:
                if i >= len(query):
                    raise SearchSyntaxError("unterminated string")
                if query[i] == '"':
                    if query[i + 1 : i + 2] == '"':
                        out.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                out.append(query[i])
                i += 1
            tokens.append(Token("".join(out), quoted=True))
        elif ch in SPECIAL:
            tokens.append(Token(ch, special=True))
            i += 1
        elif _bare(ch):
            start = i
            while i < len(query) and _bare(query[i]):
                i += 1
            tokens.append(Token(query[start:i]))
        else:
            raise SearchSyntaxError(f'fts5: syntax error near "{ch}"')
    return tokens


def _lexeme(text: str, prefix: bool, weights: str | None) -> str:
    quoted = "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    label = ("*" if prefix else "") + (weights or "")
    return f"{quoted}:{label}" if label else quoted


class _Parser:
    def __init__(self, tokens: list[Token], columns: dict[str, str]) -> None:
        self.tokens = tokens
        self.at = 0
        self.columns = columns

    def peek(self, offset: int = 0) -> Token | None:
        i = self.at + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def error(self) -> SearchSyntaxError:
        token = self.peek()
        return SearchSyntaxError(f'fts5: syntax error near "{"" if token is None else token.text}"')

    def take(self, special: str) -> None:
        token = self.peek()
        if token is None or not token.special or token.text != special:
            raise self.error()
        self.at += 1

    def is_special(self, text: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.special and token.text == text

    def is_keyword(self, word: str) -> bool:
        token = self.peek()
        return token is not None and not token.quoted and not token.special and token.text == word

    def expression(self, weights: str | None) -> str:
        parts = [self.conjunction(weights)]
        while self.is_keyword("OR"):
            self.at += 1
            parts.append(self.conjunction(weights))
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def conjunction(self, weights: str | None) -> str:
        parts = [self.negation(weights)]
        while True:
            if self.is_keyword("AND"):
                self.at += 1
                parts.append(self.negation(weights))
            elif self.starts_unit():
                parts.append(self.negation(weights))
            else:
                break
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def negation(self, weights: str | None) -> str:
        result = self.sequence(weights)
        while self.is_keyword("NOT"):
            self.at += 1
            result = f"({result} & !{self.sequence(weights)})"
        return result

    def starts_unit(self) -> bool:
        token = self.peek()
        if token is None:
            return False
        if token.special:
            return token.text in "(-{^"
        return token.quoted or token.text not in KEYWORDS

    def sequence(self, weights: str | None) -> str:
        if not self.starts_unit():
            raise self.error()
        return self.unit(weights)

    def unit(self, weights: str | None) -> str:
        token = self.peek()
        assert token is not None
        if (token.special and token.text in "-{") or (
            not token.special and self.is_special(":", 1)
        ):
            weights = self.colspec(weights)
            self.take(":")
            token = self.peek()
            if token is None:
                raise self.error()
        if self.is_special("("):
            self.at += 1
            inner = self.expression(weights)
            self.take(")")
            return inner
        if self.is_keyword("NEAR") and self.is_special("(", 1):
            return self.near(weights)
        if self.is_special("^"):
            self.at += 1
        return self.phrase(weights)

    def colspec(self, weights: str | None) -> str:
        exclude = self.is_special("-")
        if exclude:
            self.at += 1
        names: list[str] = []
        if self.is_special("{"):
            self.at += 1
            while not self.is_special("}"):
                token = self.peek()
                if token is None or token.special:
                    raise self.error()
                names.append(token.text)
                self.at += 1
            self.at += 1
        else:
            token = self.peek()
            if token is None or token.special:
                raise self.error()
            names.append(token.text)
            self.at += 1
        chosen = set()
        for name in names:
            if name.lower() not in self.columns:
                raise SearchSyntaxError(f"no such column: {name}")
            chosen.add(self.columns[name.lower()])
        if exclude:
            chosen = set(self.columns.values()) - chosen
        if weights is not None:
            chosen &= set(weights)
        if not chosen:  # no column left: a label no row carries
            return "D"
        return "".join(sorted(chosen))

    def near(self, weights: str | None) -> str:
        self.at += 2  # NEAR (
        phrases = [self.phrase(weights)]
        while not self.is_special(")") and not self.is_special(","):
            token = self.peek()
            if token is None or token.special:
                raise self.error()
            phrases.append(self.phrase(weights))
        if self.is_special(","):
            self.at += 1
            token = self.peek()
            if token is None or token.special or token.quoted or not token.text.isdigit():
                raise self.error()
            self.at += 1
        self.take(")")
        return phrases[0] if len(phrases) == 1 else "(" + " & ".join(phrases) + ")"

    def phrase(self, weights: str | None) -> str:
        terms = [self.term(weights)]
        while self.is_special("+"):
            self.at += 1
            terms.append(self.term(weights))
        return terms[0] if len(terms) == 1 else "(" + " <-> ".join(terms) + ")"

    def term(self, weights: str | None) -> str:
        token = self.peek()
        if token is None or token.special:
            raise self.error()
        self.at += 1
        prefix = self.is_special("*")
        if prefix:
            self.at += 1
        return _lexeme(token.text, prefix, weights)


def fts5_to_tsquery(query: str, columns: dict[str, str]) -> str:
    """The `to_tsquery` text for an FTS5 expression over `columns` (name → weight label)."""
    parser = _Parser(tokenize(query), columns)
    if parser.peek() is None:
        raise SearchSyntaxError('fts5: syntax error near ""')
    result = parser.expression(None)
    if parser.peek() is not None:
        raise parser.error()
    return result
