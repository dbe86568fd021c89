//! Hand-written byte lexer for textual LLVM IR.
//!
//! Tokens are spans into the source; nothing is allocated while lexing. Names
//! (`%x`, `@"quoted"`) are decoded by the parser only when it needs them. The
//! lexer never fails: malformed input yields [`Kind::Error`] tokens that the
//! parser reports with their location.

/// The kind of a token. Spans are in [`Token`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// End of input.
    Eof,
    /// A bare word: keyword, type name, attribute.
    Ident,
    /// `name:` / `12:` / `"quoted":` (span excludes the colon).
    Label,
    /// `%name` / `%"quoted"`.
    LocalName,
    /// `%12`.
    LocalNum,
    /// `@name` / `@"quoted"`.
    GlobalName,
    /// `@12`.
    GlobalNum,
    /// `$name` (comdat).
    Comdat,
    /// `!name` / `!12`.
    MetaName,
    /// `#12`.
    AttrGroup,
    /// `#dbg_value` and other debug records.
    DbgRecord,
    /// Decimal integer, possibly negative.
    Int,
    /// Decimal floating-point literal.
    Float,
    /// `0x...`, `0xK...`, `0xL...`, `0xM...`, `0xH...`, `0xR...`.
    HexFloat,
    /// `u0x...` / `s0x...`.
    HexInt,
    /// `"..."`.
    Str,
    /// `c"..."`.
    CStr,
    /// `...`.
    Ellipsis,
    /// Any other single byte (`=`, `,`, `(`, `{`, `<`, `*`, `!`, `|`, ...).
    Punct(u8),
    /// A malformed token (e.g. an unterminated string).
    Error(&'static str),
}

/// A token: its kind and byte span.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// Characters allowed in unquoted names and labels.
#[inline]
fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'$' | b'.' | b'_')
}

/// Characters allowed in bare identifiers (keywords).
#[inline]
fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$')
}

/// The lexer state: a byte position in the source.
#[derive(Clone, Debug)]
pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src`.
    pub fn new(src: &'a str) -> Self {
        Lexer { src: src.as_bytes(), pos: 0 }
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn skip_trivia(&mut self) {
        loop {
            match self.at(self.pos) {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b';' => {
                    while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// Scans name characters from `i`, returning the end.
    fn scan_name(&self, mut i: usize) -> usize {
        while i < self.src.len() && is_name_char(self.src[i]) {
            i += 1;
        }
        i
    }

    /// Scans a `"..."` string starting at the quote `i`; returns the end
    /// (after the closing quote) or `None` when unterminated.
    fn scan_string(&self, i: usize) -> Option<usize> {
        let rest = &self.src[i + 1..];
        rest.iter().position(|&c| c == b'"').map(|p| i + 1 + p + 1)
    }

    /// Lexes a sigil-prefixed name (`%`, `@`, `$`, `!`).
    fn sigil(&mut self, start: usize, named: Kind, numbered: Option<Kind>) -> Token {
        let i = start + 1;
        let c = self.at(i);
        if c == b'"' {
            return match self.scan_string(i) {
                Some(end) => self.tok(named, start, end),
                None => self.tok(Kind::Error("unterminated quoted name"), start, self.src.len()),
            };
        }
        let end = self.scan_name(i);
        if end == i {
            return self.tok(Kind::Punct(self.src[start]), start, start + 1);
        }
        let all_digits = self.src[i..end].iter().all(u8::is_ascii_digit);
        match numbered {
            Some(k) if all_digits => self.tok(k, start, end),
            _ => self.tok(named, start, end),
        }
    }

    #[inline]
    fn tok(&mut self, kind: Kind, start: usize, end: usize) -> Token {
        self.pos = end;
        Token { kind, start, end }
    }

    /// Lexes the next token.
    pub fn next_token(&mut self) -> Token {
        self.skip_trivia();
        let start = self.pos;
        if start >= self.src.len() {
            return Token { kind: Kind::Eof, start, end: start };
        }
        let c = self.src[start];
        match c {
            b'%' => self.sigil(start, Kind::LocalName, Some(Kind::LocalNum)),
            b'@' => self.sigil(start, Kind::GlobalName, Some(Kind::GlobalNum)),
            b'$' => self.sigil(start, Kind::Comdat, None),
            b'!' => {
                let n = self.at(start + 1);
                if is_name_char(n) || n == b'\\' {
                    let mut end = start + 1;
                    while end < self.src.len() && (is_name_char(self.src[end]) || self.src[end] == b'\\') {
                        end += 1;
                    }
                    self.tok(Kind::MetaName, start, end)
                } else {
                    self.tok(Kind::Punct(b'!'), start, start + 1)
                }
            }
            b'#' => {
                let end = self.scan_name(start + 1);
                if end == start + 1 {
                    self.tok(Kind::Punct(b'#'), start, start + 1)
                } else if self.src[start + 1..end].iter().all(u8::is_ascii_digit) {
                    self.tok(Kind::AttrGroup, start, end)
                } else {
                    self.tok(Kind::DbgRecord, start, end)
                }
            }
            b'"' => match self.scan_string(start) {
                Some(end) if self.at(end) == b':' => {
                    let t = self.tok(Kind::Label, start, end);
                    self.pos = end + 1;
                    t
                }
                Some(end) => self.tok(Kind::Str, start, end),
                None => self.tok(Kind::Error("unterminated string"), start, self.src.len()),
            },
            b'c' if self.at(start + 1) == b'"' => match self.scan_string(start + 1) {
                Some(end) => self.tok(Kind::CStr, start, end),
                None => self.tok(Kind::Error("unterminated string"), start, self.src.len()),
            },
            b'.' if self.at(start + 1) == b'.' && self.at(start + 2) == b'.' => {
                self.tok(Kind::Ellipsis, start, start + 3)
            }
            _ if is_name_char(c) => {
                // A label is any run of name characters followed by `:`.
                let end = self.scan_name(start);
                if self.at(end) == b':' {
                    let t = self.tok(Kind::Label, start, end);
                    self.pos = end + 1;
                    return t;
                }
                if c.is_ascii_digit() || (c == b'-' && self.at(start + 1).is_ascii_digit()) {
                    return self.number(start);
                }
                if (c == b'u' || c == b's') && self.at(start + 1) == b'0' && self.at(start + 2) == b'x' {
                    let mut e = start + 3;
                    while self.at(e).is_ascii_hexdigit() {
                        e += 1;
                    }
                    return self.tok(Kind::HexInt, start, e);
                }
                if c.is_ascii_alphabetic() || c == b'_' || c == b'.' || c == b'$' {
                    let mut e = start + 1;
                    while e < self.src.len() && is_ident_char(self.src[e]) {
                        e += 1;
                    }
                    return self.tok(Kind::Ident, start, e);
                }
                self.tok(Kind::Punct(c), start, start + 1)
            }
            _ if c.is_ascii() => self.tok(Kind::Punct(c), start, start + 1),
            _ => {
                // Skip a whole UTF-8 sequence so spans stay on char boundaries.
                let mut e = start + 1;
                while e < self.src.len() && (self.src[e] & 0xC0) == 0x80 {
                    e += 1;
                }
                self.tok(Kind::Error("unexpected character"), start, e)
            }
        }
    }

    fn number(&mut self, start: usize) -> Token {
        let mut i = start;
        if self.at(i) == b'-' {
            i += 1;
        }
        if self.at(i) == b'0' && self.at(i + 1) == b'x' {
            let mut e = i + 2;
            if matches!(self.at(e), b'K' | b'L' | b'M' | b'H' | b'R') {
                e += 1;
            }
            while self.at(e).is_ascii_hexdigit() {
                e += 1;
            }
            return self.tok(Kind::HexFloat, start, e);
        }
        while self.at(i).is_ascii_digit() {
            i += 1;
        }
        let mut float = false;
        if self.at(i) == b'.' {
            float = true;
            i += 1;
            while self.at(i).is_ascii_digit() {
                i += 1;
            }
        }
        if matches!(self.at(i), b'e' | b'E')
            && (self.at(i + 1).is_ascii_digit()
                || (matches!(self.at(i + 1), b'+' | b'-') && self.at(i + 2).is_ascii_digit()))
        {
            float = true;
            i += 2;
            while self.at(i).is_ascii_digit() {
                i += 1;
            }
        }
        self.tok(if float { Kind::Float } else { Kind::Int }, start, i)
    }
}

/// Decodes LLVM's `\XX` / `\\` escapes of a quoted string body.
pub(crate) fn unescape(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c == b'\\' {
            if body.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (body.get(i + 1).and_then(|&b| hex(b)), body.get(i + 2).and_then(|&b| hex(b))) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Kind> {
        let mut l = Lexer::new(s);
        let mut v = Vec::new();
        loop {
            let t = l.next_token();
            if t.kind == Kind::Eof {
                return v;
            }
            v.push(t.kind);
        }
    }

    #[test]
    fn lexes_basic_forms() {
        use Kind::*;
        assert_eq!(
            kinds(
                "%x = add nsw i32 %0, -5 ; c\nbb1: @\"a b\" !dbg !12 #3 #dbg_value c\"hi\\00\" 1.5e+00 0xK4000 u0x1F ..."
            ),
            vec![
                LocalName,
                Punct(b'='),
                Ident,
                Ident,
                Ident,
                LocalNum,
                Punct(b','),
                Int,
                Label,
                GlobalName,
                MetaName,
                MetaName,
                AttrGroup,
                DbgRecord,
                CStr,
                Float,
                HexFloat,
                HexInt,
                Ellipsis
            ]
        );
        assert_eq!(kinds("12: \"q\": !{"), vec![Label, Label, Punct(b'!'), Punct(b'{')]);
        assert_eq!(kinds("\"abc"), vec![Error("unterminated string")]);
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape(br"a\5Cb\\c\0A"), b"a\\b\\c\n");
    }
}
