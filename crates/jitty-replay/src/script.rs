//! The replay script: its syntax tree, the parser (with line numbers) and
//! the static checks that make a parsed script runnable without deadlock on
//! the runner's side (actors exist, names are bound, a background call is
//! collected before its actor is used again). The format is documented in
//! the crate's README.md.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use crate::names;
use jitty_os::abi::{SIG_DFL, SIG_IGN, SigSet};

/// A parse or static-check error, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {msg}")]
pub struct ScriptError {
    /// The line.
    pub line: usize,
    /// What was expected and what was found.
    pub msg: String,
}

/// A parsed, checked script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The statements, with their line numbers.
    pub lines: Vec<Line>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the source.
    pub no: usize,
    /// The statement.
    pub stmt: Stmt,
}

/// A statement of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    /// `spawn P uid=U gid=G [reuse=Q]`: a new process with one thread, `P`
    /// (with `reuse`, under the pid the exited process `Q` had).
    Spawn {
        /// Process (and main thread) name.
        name: String,
        /// All three uids.
        uid: u32,
        /// All three gids.
        gid: u32,
        /// The process whose pid the new one takes.
        reuse: Option<String>,
    },
    /// `ACTOR: CALL [&]`.
    Call {
        /// The calling thread.
        actor: String,
        /// The call.
        call: Call,
        /// `&`: started on the actor's thread; collected by `wait ACTOR`.
        background: bool,
    },
    /// `wait ACTOR`: the result of the actor's background call.
    Wait {
        /// The actor.
        actor: String,
    },
    /// `end ACTOR`: the thread leaves its process.
    End {
        /// The actor.
        actor: String,
    },
}

/// A descriptor operand: a bound name or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fd {
    /// A name bound by an earlier call of the same process (or its parent before a fork).
    Name(String),
    /// A literal descriptor number.
    Num(i32),
}

/// Data to write: `"bytes"` repeated `repeat` times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    /// The quoted bytes.
    pub bytes: Vec<u8>,
    /// The repetition count (`"x"*N`).
    pub repeat: usize,
}

impl Data {
    /// The bytes to write.
    pub fn expand(&self) -> Vec<u8> {
        self.bytes.repeat(self.repeat)
    }
}

/// A signal disposition in `sigaction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disp {
    /// The runner's recording handler.
    Handler,
    /// `SIG_IGN`.
    Ignore,
    /// `SIG_DFL`.
    Default,
}

impl Disp {
    /// The raw handler value for `Ignore`/`Default` (`None` for the handler).
    pub fn raw(self) -> Option<usize> {
        match self {
            Disp::Handler => None,
            Disp::Ignore => Some(SIG_IGN),
            Disp::Default => Some(SIG_DFL),
        }
    }
}

/// A vmalloc method.
pub use jitty_os::vmalloc::Method;

/// `fcntl` commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fcntl {
    /// `F_GETFL`.
    GetFl,
    /// `F_SETFL` with these flags.
    SetFl(u32),
    /// `F_GETFD`.
    GetFd,
    /// `F_SETFD` with `FD_CLOEXEC` on or off.
    SetFd(bool),
}

/// A region operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionOp {
    /// Opens the region with a method (and `VM_SINGLE`).
    Open(Method, bool),
    /// Closes it and opens a new one with another method under the same name.
    Method(Method),
    /// Sets or clears `VM_SINGLE` (a guarded write).
    Single(bool),
    /// `vmalloc_check`.
    Check,
    /// Closes the region.
    Close,
}

/// A call made by an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `fork -> Q`.
    Fork(String),
    /// `thread -> P.T`.
    Thread(String),
    /// `pipe [FLAGS] -> R W`.
    Pipe(u32, String, String),
    /// `open PATH FLAGS [MODE] -> F`.
    Open(String, u32, u32, String),
    /// `close FD`.
    Close(Fd),
    /// `dup FD -> G`.
    Dup(Fd, String),
    /// `dup2 FD NEW [-> G]`.
    Dup2(Fd, Fd, Option<String>),
    /// `fcntl FD CMD`.
    Fcntl(Fd, Fcntl),
    /// `write FD DATA`.
    Write(Fd, Data),
    /// `read FD N`.
    Read(Fd, usize),
    /// `lseek FD OFF set|cur|end`.
    Lseek(Fd, i64, i32),
    /// `fstat FD`.
    Fstat(Fd),
    /// `unlink PATH`.
    Unlink(String),
    /// `mkdir PATH [MODE]`.
    Mkdir(String, u32),
    /// `rmdir PATH`.
    Rmdir(String),
    /// `kill PROC SIG`.
    Kill(String, i32),
    /// `sigaction SIG DISP [FLAGS] [mask=SET]`.
    Sigaction(i32, Disp, u64, SigSet),
    /// `sigprocmask block|unblock|setmask SET`.
    Sigprocmask(i32, SigSet),
    /// `sigpending`.
    Sigpending,
    /// `sigsuspend SET`.
    Sigsuspend(SigSet),
    /// `setuid U`.
    Setuid(u32),
    /// `setgid G`.
    Setgid(u32),
    /// `setresuid R E S` (`-1` leaves one unchanged).
    Setresuid(u32, u32, u32),
    /// `getresuid`.
    Getresuid,
    /// `exit CODE`.
    Exit(i32),
    /// `wait4 PROC|any [WNOHANG]`.
    Wait4(Option<String>, bool),
    /// `region R OP`.
    Region(String, RegionOp),
    /// `malloc R SIZE -> B`.
    Malloc(String, usize, String),
    /// `free B`.
    Free(String),
    /// `rpc_client C RFD WFD`.
    RpcClient(String, Fd, Fd),
    /// `rpc C A B STR [ARR] [proc=N]`.
    Rpc { client: String, a: i32, b: i64, s: Vec<u8>, arr: Vec<i32>, proc_: u32 },
    /// `rpc_close C`.
    RpcClose(String),
    /// `rpc_server S`.
    RpcServer(String),
    /// `serve S RFD WFD`.
    Serve(String, Fd, Fd),
}

impl Call {
    /// Whether the call may run in the background (`&`): any call may
    /// block (a stopped process blocks in every call), but one that binds
    /// names or makes actors must finish before the names are used, and
    /// region calls run on the runner's thread.
    pub fn may_background(&self) -> bool {
        !matches!(
            self,
            Call::Fork(_)
                | Call::Thread(_)
                | Call::Pipe(..)
                | Call::Open(..)
                | Call::Dup(..)
                | Call::Dup2(_, _, Some(_))
                | Call::Region(..)
                | Call::Malloc(..)
                | Call::Free(_)
                | Call::RpcClient(..)
                | Call::RpcServer(_)
                | Call::RpcClose(_)
        )
    }
}

// ---------------------------------------------------------------------------
// Rendering (the canonical form printed in outputs).

impl fmt::Display for Fd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fd::Name(n) => f.write_str(n),
            Fd::Num(n) => write!(f, "{n}"),
        }
    }
}

fn quote_full(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

impl fmt::Display for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_full(&self.bytes))?;
        if self.repeat != 1 {
            write!(f, "*{}", self.repeat)?;
        }
        Ok(())
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Best => "best",
        Method::Pool => "pool",
        Method::Last => "last",
    }
}

fn uid_arg(u: u32) -> String {
    if u == u32::MAX { "-1".into() } else { u.to_string() }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Call::Fork(c) => write!(f, "fork -> {c}"),
            Call::Thread(t) => write!(f, "thread -> {t}"),
            Call::Pipe(0, r, w) => write!(f, "pipe -> {r} {w}"),
            Call::Pipe(fl, r, w) => write!(f, "pipe {} -> {r} {w}", names::open_flags(*fl).replace("O_RDONLY|", "")),
            Call::Open(p, fl, m, b) => {
                write!(f, "open {} {} 0{m:o} -> {b}", quote_full(p.as_bytes()), names::open_flags(*fl))
            }
            Call::Close(d) => write!(f, "close {d}"),
            Call::Dup(d, b) => write!(f, "dup {d} -> {b}"),
            Call::Dup2(a, b, None) => write!(f, "dup2 {a} {b}"),
            Call::Dup2(a, b, Some(n)) => write!(f, "dup2 {a} {b} -> {n}"),
            Call::Fcntl(d, c) => match c {
                Fcntl::GetFl => write!(f, "fcntl {d} getfl"),
                Fcntl::SetFl(fl) => write!(f, "fcntl {d} setfl {}", names::open_flags(*fl)),
                Fcntl::GetFd => write!(f, "fcntl {d} getfd"),
                Fcntl::SetFd(on) => write!(f, "fcntl {d} setfd {}", if *on { "cloexec" } else { "0" }),
            },
            Call::Write(d, data) => write!(f, "write {d} {data}"),
            Call::Read(d, n) => write!(f, "read {d} {n}"),
            Call::Lseek(d, off, wh) => write!(f, "lseek {d} {off} {}", ["set", "cur", "end"][(*wh as usize).min(2)]),
            Call::Fstat(d) => write!(f, "fstat {d}"),
            Call::Unlink(p) => write!(f, "unlink {}", quote_full(p.as_bytes())),
            Call::Mkdir(p, m) => write!(f, "mkdir {} 0{m:o}", quote_full(p.as_bytes())),
            Call::Rmdir(p) => write!(f, "rmdir {}", quote_full(p.as_bytes())),
            Call::Kill(p, s) => write!(f, "kill {p} {}", names::signal(*s)),
            Call::Sigaction(s, d, fl, m) => {
                let d = match d {
                    Disp::Handler => "handler",
                    Disp::Ignore => "ignore",
                    Disp::Default => "default",
                };
                write!(f, "sigaction {} {d}", names::signal(*s))?;
                if *fl != 0 {
                    write!(f, " {}", names::sa_flags(*fl))?;
                }
                if *m != 0 {
                    write!(f, " mask={}", names::sigset(*m))?;
                }
                Ok(())
            }
            Call::Sigprocmask(how, set) => {
                write!(
                    f,
                    "sigprocmask {} {}",
                    ["block", "unblock", "setmask"][(*how as usize).min(2)],
                    names::sigset(*set)
                )
            }
            Call::Sigpending => f.write_str("sigpending"),
            Call::Sigsuspend(set) => write!(f, "sigsuspend {}", names::sigset(*set)),
            Call::Setuid(u) => write!(f, "setuid {u}"),
            Call::Setgid(g) => write!(f, "setgid {g}"),
            Call::Setresuid(r, e, s) => write!(f, "setresuid {} {} {}", uid_arg(*r), uid_arg(*e), uid_arg(*s)),
            Call::Getresuid => f.write_str("getresuid"),
            Call::Exit(c) => write!(f, "exit {c}"),
            Call::Wait4(p, nohang) => {
                write!(f, "wait4 {}", p.as_deref().unwrap_or("any"))?;
                if *nohang {
                    f.write_str(" WNOHANG")?;
                }
                Ok(())
            }
            Call::Region(r, op) => match op {
                RegionOp::Open(m, single) => {
                    write!(f, "region {r} {}{}", method_name(*m), if *single { " single" } else { "" })
                }
                RegionOp::Method(m) => write!(f, "region {r} method {}", method_name(*m)),
                RegionOp::Single(on) => write!(f, "region {r} single {}", if *on { "on" } else { "off" }),
                RegionOp::Check => write!(f, "region {r} check"),
                RegionOp::Close => write!(f, "region {r} close"),
            },
            Call::Malloc(r, n, b) => write!(f, "malloc {r} {n} -> {b}"),
            Call::Free(b) => write!(f, "free {b}"),
            Call::RpcClient(c, r, w) => write!(f, "rpc_client {c} {r} {w}"),
            Call::Rpc { client, a, b, s, arr, proc_ } => {
                let arr: Vec<String> = arr.iter().map(|x| x.to_string()).collect();
                write!(f, "rpc {client} {a} {b} {} [{}]", quote_full(s), arr.join(","))?;
                if *proc_ != jitty_os::abi::BENCH_PROCNUM {
                    write!(f, " proc={proc_}")?;
                }
                Ok(())
            }
            Call::RpcClose(c) => write!(f, "rpc_close {c}"),
            Call::RpcServer(s) => write!(f, "rpc_server {s}"),
            Call::Serve(s, r, w) => write!(f, "serve {s} {r} {w}"),
        }
    }
}

impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stmt::Spawn { name, uid, gid, reuse } => {
                write!(f, "spawn {name} uid={uid} gid={gid}")?;
                if let Some(r) = reuse {
                    write!(f, " reuse={r}")?;
                }
                Ok(())
            }
            Stmt::Call { actor, call, background } => {
                write!(f, "{actor}: {call}{}", if *background { " &" } else { "" })
            }
            Stmt::Wait { actor } => write!(f, "wait {actor}"),
            Stmt::End { actor } => write!(f, "end {actor}"),
        }
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            writeln!(f, "{}", l.stmt)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Tokens.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(Vec<u8>, usize),
    Arrow,
    Amp,
}

fn tokenize(line: &str) -> Result<Vec<Tok>, String> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'#' {
            break;
        } else if c == b'"' {
            i += 1;
            let mut s = Vec::new();
            loop {
                let Some(&c) = b.get(i) else { return Err("unterminated string".into()) };
                i += 1;
                match c {
                    b'"' => break,
                    b'\\' => {
                        let Some(&e) = b.get(i) else { return Err("unterminated string".into()) };
                        i += 1;
                        match e {
                            b'n' => s.push(b'\n'),
                            b't' => s.push(b'\t'),
                            b'0' => s.push(0),
                            b'\\' | b'"' => s.push(e),
                            b'x' => {
                                let h = line.get(i..i + 2).ok_or("expected two hex digits after \\x")?;
                                s.push(u8::from_str_radix(h, 16).map_err(|_| format!("bad escape \\x{h}"))?);
                                i += 2;
                            }
                            _ => return Err(format!("unknown escape \\{}", e as char)),
                        }
                    }
                    _ => s.push(c),
                }
            }
            let mut repeat = 1;
            if b.get(i) == Some(&b'*') {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                repeat = line[start..j].parse().map_err(|_| "expected a count after `*`".to_string())?;
                if repeat > 1 << 20 {
                    return Err(format!("repeat count {repeat} is over 1048576"));
                }
                i = j;
            }
            out.push(Tok::Str(s, repeat));
        } else {
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'"' && b[i] != b'#' {
                i += 1;
            }
            let w = &line[start..i];
            out.push(match w {
                "->" => Tok::Arrow,
                "&" => Tok::Amp,
                _ => Tok::Word(w.to_string()),
            });
        }
    }
    Ok(out)
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|x| x.is_ascii_alphabetic() || x == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == '.')
}

fn is_simple_ident(s: &str) -> bool {
    is_ident(s) && !s.contains('.')
}

// ---------------------------------------------------------------------------
// The static state of the checker.

#[derive(Default)]
struct Checker {
    /// Processes: name → fd names bound in it.
    procs: HashMap<String, BTreeSet<String>>,
    /// Live actors (threads): name → its process.
    actors: HashMap<String, String>,
    /// Every actor or process name ever defined.
    defined: BTreeSet<String>,
    /// Actors with a background call: actor → its line.
    busy: HashMap<String, usize>,
    /// Open regions.
    regions: BTreeSet<String>,
    /// Block names → region.
    blocks: HashMap<String, String>,
    /// RPC clients and servers → owning actor.
    rpc: HashMap<String, String>,
}

struct Cursor<'a> {
    toks: &'a [Tok],
    i: usize,
}

impl Cursor<'_> {
    fn word(&mut self, what: &str) -> Result<String, String> {
        match self.toks.get(self.i) {
            Some(Tok::Word(w)) => {
                self.i += 1;
                Ok(w.clone())
            }
            Some(t) => Err(format!("expected {what}, found {}", show(t))),
            None => Err(format!("expected {what}, found end of line")),
        }
    }

    fn peek_word(&self) -> Option<&str> {
        match self.toks.get(self.i) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn string(&mut self, what: &str) -> Result<(Vec<u8>, usize), String> {
        match self.toks.get(self.i) {
            Some(Tok::Str(s, r)) => {
                self.i += 1;
                Ok((s.clone(), *r))
            }
            Some(t) => Err(format!("expected {what} (a quoted string), found {}", show(t))),
            None => Err(format!("expected {what} (a quoted string), found end of line")),
        }
    }

    fn number(&mut self, what: &str) -> Result<i64, String> {
        let w = self.word(what)?;
        names::parse_number(&w).ok_or_else(|| format!("expected {what} (a number), found `{w}`"))
    }

    fn arrow(&mut self, n: usize, what: &str) -> Result<Vec<String>, String> {
        match self.toks.get(self.i) {
            Some(Tok::Arrow) => self.i += 1,
            _ => return Err(format!("expected `-> {what}`")),
        }
        let mut v = Vec::new();
        for _ in 0..n {
            let w = self.word(what)?;
            if !is_ident(&w) {
                return Err(format!("expected a name for {what}, found `{w}`"));
            }
            v.push(w);
        }
        Ok(v)
    }

    fn has_arrow(&self) -> bool {
        matches!(self.toks.get(self.i), Some(Tok::Arrow))
    }

    fn done(&self) -> Result<(), String> {
        match self.toks.get(self.i) {
            None => Ok(()),
            Some(t) => Err(format!("unexpected {} at the end of the call", show(t))),
        }
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Str(..) => "a string".into(),
        Tok::Arrow => "`->`".into(),
        Tok::Amp => "`&`".into(),
    }
}

fn path(c: &mut Cursor<'_>) -> Result<String, String> {
    let (p, r) = c.string("a path")?;
    if r != 1 {
        return Err("a path cannot be repeated".into());
    }
    let p = String::from_utf8(p).map_err(|_| "a path must be UTF-8".to_string())?;
    if p.split('/').any(|c| c == "..") {
        return Err(format!(
            "path {p:?} leaves the script's directory: `..` is refused, so outputs do not depend on the rest of \
             the file system"
        ));
    }
    if p.trim_start_matches('/').is_empty() || p.contains('\0') {
        return Err("a path must name a file and hold no NUL".into());
    }
    Ok(p)
}

fn method(w: &str) -> Result<Method, String> {
    match w {
        "best" => Ok(Method::Best),
        "pool" => Ok(Method::Pool),
        "last" => Ok(Method::Last),
        _ => Err(format!("expected a method (best, pool, last), found `{w}`")),
    }
}

fn signal(c: &mut Cursor<'_>, allow_zero: bool) -> Result<i32, String> {
    let w = c.word("a signal")?;
    match names::parse_signal(&w) {
        Some(0) if !allow_zero => Err("signal 0 is not allowed here".into()),
        Some(s) => Ok(s),
        None => Err(format!("expected a signal (SIGUSR1, USR1, 10, ...), found `{w}`")),
    }
}

fn sigset(c: &mut Cursor<'_>) -> Result<SigSet, String> {
    let w = c.word("a signal set")?;
    names::parse_sigset(&w).ok_or_else(|| format!("expected a signal set ({{}}, all, SIGUSR1,SIGTERM), found `{w}`"))
}

fn id(c: &mut Cursor<'_>, what: &str) -> Result<u32, String> {
    let n = c.number(what)?;
    if n == -1 {
        return Ok(u32::MAX);
    }
    u32::try_from(n).map_err(|_| format!("{what} {n} is out of range"))
}

impl Checker {
    fn proc_of(&self, actor: &str) -> &str {
        &self.actors[actor]
    }

    fn fd(&self, c: &mut Cursor<'_>, actor: &str) -> Result<Fd, String> {
        let w = c.word("a descriptor")?;
        if let Some(n) = names::parse_number(&w) {
            return i32::try_from(n).map(Fd::Num).map_err(|_| format!("descriptor {n} is out of range"));
        }
        let p = self.proc_of(actor);
        if !self.procs[p].contains(&w) {
            return Err(format!("descriptor name `{w}` is not bound in process {p}"));
        }
        Ok(Fd::Name(w))
    }

    fn bind(&mut self, actor: &str, names: &[String]) {
        let p = self.proc_of(actor).to_string();
        let set = self.procs.get_mut(&p).expect("actor's process");
        for n in names {
            set.insert(n.clone());
        }
    }

    fn new_name(&self, n: &str) -> Result<(), String> {
        if self.defined.contains(n) {
            return Err(format!("name `{n}` is already defined"));
        }
        Ok(())
    }

    fn rpc_owned(&self, name: &str, actor: &str) -> Result<(), String> {
        match self.rpc.get(name) {
            Some(o) if o == actor => Ok(()),
            Some(o) => Err(format!("`{name}` belongs to {o}: only the thread that made it may use it")),
            None => Err(format!("no RPC client or server named `{name}`")),
        }
    }

    fn call(&mut self, actor: &str, c: &mut Cursor<'_>) -> Result<Call, String> {
        let op = c.word("a call")?;
        let call = match op.as_str() {
            "fork" => {
                let n = c.arrow(1, "the child's name")?.remove(0);
                if !is_simple_ident(&n) {
                    return Err(format!("process name `{n}` may not contain `.`"));
                }
                self.new_name(&n)?;
                Call::Fork(n)
            }
            "thread" => {
                let n = c.arrow(1, "the thread's name")?.remove(0);
                let p = self.proc_of(actor);
                if n.split_once('.').map(|(a, _)| a) != Some(p) {
                    return Err(format!("a thread of {p} is named `{p}.NAME`, found `{n}`"));
                }
                self.new_name(&n)?;
                Call::Thread(n)
            }
            "pipe" => {
                let fl = if c.has_arrow() {
                    0
                } else {
                    let w = c.word("pipe flags")?;
                    names::parse_open_flags(&w).ok_or_else(|| format!("expected pipe flags, found `{w}`"))?
                };
                let v = c.arrow(2, "the read and write ends")?;
                Call::Pipe(fl, v[0].clone(), v[1].clone())
            }
            "open" => {
                let p = path(c)?;
                let w = c.word("open flags")?;
                let fl = names::parse_open_flags(&w).ok_or_else(|| format!("expected open flags, found `{w}`"))?;
                let mode = if c.has_arrow() { 0o644 } else { c.number("a mode")? as u32 };
                Call::Open(p, fl, mode, c.arrow(1, "the descriptor")?.remove(0))
            }
            "close" => Call::Close(self.fd(c, actor)?),
            "dup" => {
                let d = self.fd(c, actor)?;
                Call::Dup(d, c.arrow(1, "the new descriptor")?.remove(0))
            }
            "dup2" => {
                let a = self.fd(c, actor)?;
                let b = self.fd(c, actor)?;
                let n = if c.has_arrow() { Some(c.arrow(1, "the new descriptor")?.remove(0)) } else { None };
                Call::Dup2(a, b, n)
            }
            "fcntl" => {
                let d = self.fd(c, actor)?;
                let cmd = c.word("an fcntl command (getfl, setfl, getfd, setfd)")?;
                let cmd = match cmd.as_str() {
                    "getfl" => Fcntl::GetFl,
                    "setfl" => {
                        let w = c.word("status flags")?;
                        Fcntl::SetFl(names::parse_open_flags(&w).ok_or_else(|| format!("expected flags, found `{w}`"))?)
                    }
                    "getfd" => Fcntl::GetFd,
                    "setfd" => match c.word("cloexec or 0")?.as_str() {
                        "cloexec" | "FD_CLOEXEC" | "1" => Fcntl::SetFd(true),
                        "0" => Fcntl::SetFd(false),
                        w => return Err(format!("expected cloexec or 0, found `{w}`")),
                    },
                    w => return Err(format!("expected an fcntl command (getfl, setfl, getfd, setfd), found `{w}`")),
                };
                Call::Fcntl(d, cmd)
            }
            "write" => {
                let d = self.fd(c, actor)?;
                let (bytes, repeat) = c.string("the data")?;
                Call::Write(d, Data { bytes, repeat })
            }
            "read" => {
                let d = self.fd(c, actor)?;
                let n = c.number("a byte count")?;
                if !(0..=1 << 20).contains(&n) {
                    return Err(format!("byte count {n} is not in 0..=1048576"));
                }
                Call::Read(d, n as usize)
            }
            "lseek" => {
                let d = self.fd(c, actor)?;
                let off = c.number("an offset")?;
                let wh = match c.word("set, cur or end")?.as_str() {
                    "set" | "SEEK_SET" => 0,
                    "cur" | "SEEK_CUR" => 1,
                    "end" | "SEEK_END" => 2,
                    w => return Err(format!("expected set, cur or end, found `{w}`")),
                };
                Call::Lseek(d, off, wh)
            }
            "fstat" => Call::Fstat(self.fd(c, actor)?),
            "unlink" => Call::Unlink(path(c)?),
            "mkdir" => {
                let p = path(c)?;
                let m = if c.peek_word().is_some() { c.number("a mode")? as u32 } else { 0o755 };
                Call::Mkdir(p, m)
            }
            "rmdir" => Call::Rmdir(path(c)?),
            "kill" => {
                let t = c.word("the target process")?;
                if !self.procs.contains_key(&t) {
                    return Err(format!("no process named `{t}`"));
                }
                Call::Kill(t, signal(c, true)?)
            }
            "sigaction" => {
                let s = signal(c, false)?;
                let d = match c.word("handler, ignore or default")?.as_str() {
                    "handler" => Disp::Handler,
                    "ignore" => Disp::Ignore,
                    "default" => Disp::Default,
                    w => return Err(format!("expected handler, ignore or default, found `{w}`")),
                };
                let (mut fl, mut mask) = (0, 0);
                while let Some(w) = c.peek_word() {
                    if let Some(m) = w.strip_prefix("mask=") {
                        mask = names::parse_sigset(m).ok_or_else(|| format!("expected a signal set, found `{m}`"))?;
                    } else {
                        fl = names::parse_sa_flags(w).ok_or_else(|| format!("expected SA_* flags, found `{w}`"))?;
                    }
                    c.i += 1;
                }
                Call::Sigaction(s, d, fl, mask)
            }
            "sigprocmask" => {
                let how = match c.word("block, unblock or setmask")?.as_str() {
                    "block" => 0,
                    "unblock" => 1,
                    "setmask" => 2,
                    w => return Err(format!("expected block, unblock or setmask, found `{w}`")),
                };
                Call::Sigprocmask(how, sigset(c)?)
            }
            "sigpending" => Call::Sigpending,
            "sigsuspend" => Call::Sigsuspend(sigset(c)?),
            "setuid" => Call::Setuid(id(c, "a uid")?),
            "setgid" => Call::Setgid(id(c, "a gid")?),
            "setresuid" => Call::Setresuid(id(c, "a real uid")?, id(c, "an effective uid")?, id(c, "a saved uid")?),
            "getresuid" => Call::Getresuid,
            "exit" => Call::Exit(c.number("an exit code")? as i32),
            "wait4" => {
                let t = c.word("a child process or any")?;
                let t = if t == "any" {
                    None
                } else if self.procs.contains_key(&t) {
                    Some(t)
                } else {
                    return Err(format!("no process named `{t}`"));
                };
                let nohang = match c.peek_word() {
                    Some("WNOHANG") => {
                        c.i += 1;
                        true
                    }
                    _ => false,
                };
                Call::Wait4(t, nohang)
            }
            "region" => {
                let r = c.word("a region name")?;
                if !is_simple_ident(&r) {
                    return Err(format!("expected a region name, found `{r}`"));
                }
                let w = c.word("a region operation")?;
                let open = self.regions.contains(&r);
                let op = match w.as_str() {
                    "best" | "pool" | "last" => {
                        if open {
                            return Err(format!("region {r} is already open"));
                        }
                        let single = match c.peek_word() {
                            Some("single") => {
                                c.i += 1;
                                true
                            }
                            _ => false,
                        };
                        self.regions.insert(r.clone());
                        RegionOp::Open(method(&w)?, single)
                    }
                    "method" | "single" | "check" | "close" if !open => {
                        return Err(format!("region {r} is not open"));
                    }
                    "method" => {
                        self.blocks.retain(|_, reg| *reg != r);
                        RegionOp::Method(method(&c.word("a method")?)?)
                    }
                    "single" => match c.word("on or off")?.as_str() {
                        "on" => RegionOp::Single(true),
                        "off" => RegionOp::Single(false),
                        w => return Err(format!("expected on or off, found `{w}`")),
                    },
                    "check" => RegionOp::Check,
                    "close" => {
                        self.regions.remove(&r);
                        self.blocks.retain(|_, reg| *reg != r);
                        RegionOp::Close
                    }
                    w => return Err(format!("expected best, pool, last, method, single, check or close, found `{w}`")),
                };
                Call::Region(r, op)
            }
            "malloc" => {
                let r = c.word("a region")?;
                if !self.regions.contains(&r) {
                    return Err(format!("region {r} is not open"));
                }
                let n = c.number("a size")?;
                if !(0..=1 << 24).contains(&n) {
                    return Err(format!("size {n} is not in 0..=16777216"));
                }
                let b = c.arrow(1, "the block")?.remove(0);
                if self.blocks.contains_key(&b) {
                    return Err(format!("block `{b}` is still allocated"));
                }
                self.blocks.insert(b.clone(), r.clone());
                Call::Malloc(r, n as usize, b)
            }
            "free" => {
                let b = c.word("a block")?;
                if self.blocks.remove(&b).is_none() {
                    return Err(format!("no allocated block named `{b}`"));
                }
                Call::Free(b)
            }
            "rpc_client" | "rpc_server" => {
                let n = c.word("a name")?;
                if !is_simple_ident(&n) || self.rpc.contains_key(&n) {
                    return Err(format!("expected a new client or server name, found `{n}`"));
                }
                let call = if op == "rpc_client" {
                    let r = self.fd(c, actor)?;
                    let w = self.fd(c, actor)?;
                    Call::RpcClient(n.clone(), r, w)
                } else {
                    Call::RpcServer(n.clone())
                };
                self.rpc.insert(n, actor.to_string());
                call
            }
            "rpc" => {
                let client = c.word("a client")?;
                self.rpc_owned(&client, actor)?;
                let a = i32::try_from(c.number("int a")?).map_err(|_| "int a is out of range".to_string())?;
                let b = c.number("hyper b")?;
                let (s, r) = c.string("string s")?;
                if r != 1 || s.len() > 64 || s.contains(&0) {
                    return Err("string s holds at most 64 bytes, no NUL, no repeat".into());
                }
                let mut arr = Vec::new();
                let mut proc_ = jitty_os::abi::BENCH_PROCNUM;
                while let Some(w) = c.peek_word() {
                    if let Some(inner) = w.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
                        arr = if inner.is_empty() {
                            Vec::new()
                        } else {
                            inner
                                .split(',')
                                .map(|x| names::parse_number(x).and_then(|v| i32::try_from(v).ok()))
                                .collect::<Option<Vec<i32>>>()
                                .ok_or_else(|| format!("expected [int,int,...], found `{w}`"))?
                        };
                        if arr.len() > 16 {
                            return Err("int arr<16> holds at most 16 elements".into());
                        }
                    } else if let Some(p) = w.strip_prefix("proc=") {
                        proc_ = names::parse_number(p)
                            .and_then(|v| u32::try_from(v).ok())
                            .ok_or_else(|| format!("expected proc=N, found `{w}`"))?;
                    } else {
                        return Err(format!("expected [ints] or proc=N, found `{w}`"));
                    }
                    c.i += 1;
                }
                Call::Rpc { client, a, b, s, arr, proc_ }
            }
            "rpc_close" => {
                let n = c.word("a client")?;
                self.rpc_owned(&n, actor)?;
                self.rpc.remove(&n);
                Call::RpcClose(n)
            }
            "serve" => {
                let s = c.word("a server")?;
                self.rpc_owned(&s, actor)?;
                let r = self.fd(c, actor)?;
                let w = self.fd(c, actor)?;
                Call::Serve(s, r, w)
            }
            _ => return Err(format!("unknown call `{op}`")),
        };
        // Bindings made by the call.
        match &call {
            Call::Pipe(_, r, w) => self.bind(actor, &[r.clone(), w.clone()]),
            Call::Open(.., b) | Call::Dup(_, b) | Call::Dup2(_, _, Some(b)) => {
                self.bind(actor, std::slice::from_ref(b))
            }
            Call::Fork(child) => {
                let fds = self.procs[self.proc_of(actor)].clone();
                self.procs.insert(child.clone(), fds);
                self.actors.insert(child.clone(), child.clone());
                self.defined.insert(child.clone());
            }
            Call::Thread(t) => {
                let p = self.proc_of(actor).to_string();
                self.actors.insert(t.clone(), p);
                self.defined.insert(t.clone());
            }
            _ => {}
        }
        Ok(call)
    }

    fn actor(&self, a: &str) -> Result<(), String> {
        if self.actors.contains_key(a) {
            Ok(())
        } else if self.defined.contains(a) {
            Err(format!("thread {a} has ended"))
        } else {
            Err(format!("no thread named `{a}` (define it with spawn, fork or thread)"))
        }
    }

    fn stmt(&mut self, toks: &[Tok]) -> Result<Stmt, String> {
        let mut c = Cursor { toks, i: 0 };
        let first = c.word("a statement (spawn, wait, end, or `ACTOR: CALL`)")?;
        if let Some(actor) = first.strip_suffix(':') {
            self.actor(actor)?;
            if let Some(l) = self.busy.get(actor) {
                return Err(format!("{actor} is busy with its background call of line {l}; `wait {actor}` first"));
            }
            let background = matches!(toks.last(), Some(Tok::Amp));
            let toks = if background { &toks[..toks.len() - 1] } else { toks };
            let mut c = Cursor { toks, i: 1 };
            let call = self.call(actor, &mut c)?;
            c.done()?;
            if background && !call.may_background() {
                return Err(format!(
                    "`{call}` cannot run in the background: it binds names, makes actors or uses a region"
                ));
            }
            return Ok(Stmt::Call { actor: actor.to_string(), call, background });
        }
        let stmt = match first.as_str() {
            "spawn" => {
                let name = c.word("the process name")?;
                if !is_simple_ident(&name) {
                    return Err(format!("expected a process name (letters, digits, _), found `{name}`"));
                }
                self.new_name(&name)?;
                let (mut uid, mut gid, mut reuse) = (1000, 1000, None);
                while let Some(w) = c.peek_word() {
                    if let Some(r) = w.strip_prefix("reuse=") {
                        if !self.procs.contains_key(r) {
                            return Err(format!("reuse={r}: no process named `{r}`"));
                        }
                        reuse = Some(r.to_string());
                        c.i += 1;
                        continue;
                    }
                    let (k, v) = w
                        .split_once('=')
                        .filter(|(k, _)| *k == "uid" || *k == "gid")
                        .ok_or_else(|| format!("expected uid=N, gid=N or reuse=P, found `{w}`"))?;
                    let v = names::parse_number(v)
                        .and_then(|v| u32::try_from(v).ok())
                        .ok_or_else(|| format!("expected a number in `{w}`"))?;
                    match k {
                        "uid" => uid = v,
                        "gid" => gid = v,
                        _ => return Err(format!("expected uid=N, gid=N or reuse=P, found `{w}`")),
                    }
                    c.i += 1;
                }
                self.procs.insert(name.clone(), BTreeSet::new());
                self.actors.insert(name.clone(), name.clone());
                self.defined.insert(name.clone());
                Stmt::Spawn { name, uid, gid, reuse }
            }
            "wait" | "end" => {
                let a = c.word("a thread")?;
                self.actor(&a)?;
                if first == "wait" {
                    if self.busy.remove(&a).is_none() {
                        return Err(format!("{a} has no background call to wait for"));
                    }
                    Stmt::Wait { actor: a }
                } else {
                    if let Some(l) = self.busy.get(&a) {
                        return Err(format!("{a} is busy with its background call of line {l}; `wait {a}` first"));
                    }
                    self.actors.remove(&a);
                    Stmt::End { actor: a }
                }
            }
            w => return Err(format!("expected spawn, wait, end or `ACTOR:`, found `{w}`")),
        };
        c.done()?;
        Ok(stmt)
    }
}

impl Script {
    /// Parses and checks a script.
    pub fn parse(text: &str) -> Result<Script, ScriptError> {
        let mut ck = Checker::default();
        let mut lines = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let no = i + 1;
            let toks = tokenize(raw).map_err(|msg| ScriptError { line: no, msg })?;
            if toks.is_empty() {
                continue;
            }
            let stmt = ck.stmt(&toks).map_err(|msg| ScriptError { line: no, msg })?;
            if let Stmt::Call { actor, background: true, .. } = &stmt {
                ck.busy.insert(actor.clone(), no);
            }
            lines.push(Line { no, stmt });
        }
        if let Some((a, l)) = ck.busy.iter().min_by_key(|(_, l)| **l) {
            return Err(ScriptError {
                line: *l,
                msg: format!("the background call of {a} is never collected (add `wait {a}`)"),
            });
        }
        Ok(Script { lines })
    }
}
