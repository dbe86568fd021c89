//! Symbolic names of the ABI's numbers, both ways: errno, signals, open and
//! `SA_*` flags, signal sets and `clnt_stat` values. Scripts are written
//! with these names and outputs print them, never raw numbers where a name
//! exists.

use jitty_os::abi::*;

const ERRNOS: &[(i32, &str)] = &[
    (EPERM, "EPERM"),
    (ENOENT, "ENOENT"),
    (ESRCH, "ESRCH"),
    (EINTR, "EINTR"),
    (EIO, "EIO"),
    (EBADF, "EBADF"),
    (ECHILD, "ECHILD"),
    (EAGAIN, "EAGAIN"),
    (ENOMEM, "ENOMEM"),
    (EACCES, "EACCES"),
    (EFAULT, "EFAULT"),
    (EBUSY, "EBUSY"),
    (EEXIST, "EEXIST"),
    (EXDEV, "EXDEV"),
    (ENOTDIR, "ENOTDIR"),
    (EISDIR, "EISDIR"),
    (EINVAL, "EINVAL"),
    (ENFILE, "ENFILE"),
    (EMFILE, "EMFILE"),
    (EFBIG, "EFBIG"),
    (ENOSPC, "ENOSPC"),
    (ESPIPE, "ESPIPE"),
    (EMLINK, "EMLINK"),
    (EPIPE, "EPIPE"),
    (ERANGE, "ERANGE"),
    (ENAMETOOLONG, "ENAMETOOLONG"),
    (ENOSYS, "ENOSYS"),
    (ENOTEMPTY, "ENOTEMPTY"),
    (ELOOP, "ELOOP"),
    (EOVERFLOW, "EOVERFLOW"),
];

/// `EPIPE`-style name of an errno (`E123` when it has none).
pub fn errno(e: i32) -> String {
    ERRNOS.iter().find(|(n, _)| *n == e).map_or_else(|| format!("E{e}"), |(_, s)| s.to_string())
}

const SIGNALS: &[&str] = &[
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

/// The name of signal `sig` (`SIGUSR1`; `SIG40` above the named ones; `0`).
pub fn signal(sig: i32) -> String {
    match sig {
        0 => "0".into(),
        1..=31 => SIGNALS[(sig - 1) as usize].into(),
        _ => format!("SIG{sig}"),
    }
}

/// Parses a signal: a name (`SIGUSR1` or `USR1`), `SIGn`, or a number 0..=64.
pub fn parse_signal(s: &str) -> Option<i32> {
    if let Ok(n) = s.parse::<i32>() {
        return (0..=SIGMAX).contains(&n).then_some(n);
    }
    let full = if s.starts_with("SIG") { s.to_string() } else { format!("SIG{s}") };
    if let Some(i) = SIGNALS.iter().position(|&n| n == full) {
        return Some(i as i32 + 1);
    }
    let n: i32 = full.strip_prefix("SIG")?.parse().ok()?;
    (1..=SIGMAX).contains(&n).then_some(n)
}

/// A signal set as `{SIGUSR1,SIGTERM}` (`{}` when empty).
pub fn sigset(set: SigSet) -> String {
    let v: Vec<String> = (1..=SIGMAX).filter(|s| set & (1u64 << (s - 1)) != 0).map(signal).collect();
    format!("{{{}}}", v.join(","))
}

/// Parses a signal set: `{}`, `0`, `all`, or signals separated by `,`
/// (optionally in braces).
pub fn parse_sigset(s: &str) -> Option<SigSet> {
    let inner = s.strip_prefix('{').and_then(|x| x.strip_suffix('}')).unwrap_or(s);
    match inner {
        "" | "0" => return Some(0),
        "all" => return Some(u64::MAX),
        _ => {}
    }
    let mut m = 0;
    for part in inner.split(',') {
        let sig = parse_signal(part)?;
        if sig == 0 {
            return None;
        }
        m |= 1u64 << (sig - 1);
    }
    Some(m)
}

const OPEN_FLAGS: &[(u32, &str)] = &[
    (O_CREAT, "O_CREAT"),
    (O_EXCL, "O_EXCL"),
    (O_NOCTTY, "O_NOCTTY"),
    (O_TRUNC, "O_TRUNC"),
    (O_APPEND, "O_APPEND"),
    (O_NONBLOCK, "O_NONBLOCK"),
    (O_DIRECTORY, "O_DIRECTORY"),
    (O_NOFOLLOW, "O_NOFOLLOW"),
    (O_CLOEXEC, "O_CLOEXEC"),
];

/// Open/status flags as `O_WRONLY|O_APPEND` (the access mode first; other
/// unknown bits in octal).
pub fn open_flags(f: u32) -> String {
    let mut v = vec![match f & O_ACCMODE {
        O_RDONLY => "O_RDONLY".to_string(),
        O_WRONLY => "O_WRONLY".to_string(),
        O_RDWR => "O_RDWR".to_string(),
        _ => "O_ACCMODE".to_string(),
    }];
    let mut rest = f & !O_ACCMODE;
    for &(bit, name) in OPEN_FLAGS {
        if rest & bit != 0 {
            v.push(name.into());
            rest &= !bit;
        }
    }
    if rest != 0 {
        v.push(format!("0o{rest:o}"));
    }
    v.join("|")
}

/// Parses `O_RDWR|O_CREAT` (or `0`, or a number).
pub fn parse_open_flags(s: &str) -> Option<u32> {
    if let Some(n) = parse_number(s) {
        return u32::try_from(n).ok();
    }
    let mut f = 0;
    for part in s.split('|') {
        f |= match part {
            "O_RDONLY" => O_RDONLY,
            "O_WRONLY" => O_WRONLY,
            "O_RDWR" => O_RDWR,
            p => OPEN_FLAGS.iter().find(|(_, n)| *n == p)?.0,
        };
    }
    Some(f)
}

const SA_FLAGS: &[(u64, &str)] = &[
    (SA_RESTART, "SA_RESTART"),
    (SA_RESETHAND, "SA_RESETHAND"),
    (SA_NODEFER, "SA_NODEFER"),
    (SA_NOCLDWAIT, "SA_NOCLDWAIT"),
];

/// `SA_*` flags as `SA_RESTART|SA_NODEFER` (`0` when none).
pub fn sa_flags(f: u64) -> String {
    let mut v: Vec<String> = SA_FLAGS.iter().filter(|(b, _)| f & b != 0).map(|(_, n)| n.to_string()).collect();
    let rest = SA_FLAGS.iter().fold(f, |r, (b, _)| r & !b);
    if rest != 0 {
        v.push(format!("{rest:#x}"));
    }
    if v.is_empty() { "0".into() } else { v.join("|") }
}

/// Parses `SA_RESTART|SA_NODEFER`.
pub fn parse_sa_flags(s: &str) -> Option<u64> {
    let mut f = 0;
    for part in s.split('|') {
        f |= SA_FLAGS.iter().find(|(_, n)| *n == part)?.0;
    }
    Some(f)
}

const RPC_STATS: &[&str] = &[
    "RPC_SUCCESS",
    "RPC_CANTENCODEARGS",
    "RPC_CANTDECODERES",
    "RPC_CANTSEND",
    "RPC_CANTRECV",
    "RPC_TIMEDOUT",
    "RPC_VERSMISMATCH",
    "RPC_AUTHERROR",
    "RPC_PROGUNAVAIL",
    "RPC_PROGVERSMISMATCH",
    "RPC_PROCUNAVAIL",
    "RPC_CANTDECODEARGS",
    "RPC_SYSTEMERROR",
];

/// The name of a `clnt_stat`.
pub fn rpc_stat(st: i32) -> String {
    usize::try_from(st).ok().and_then(|i| RPC_STATS.get(i)).map_or_else(|| format!("RPC_{st}"), |s| s.to_string())
}

/// Parses a decimal, `0x` hex or leading-`0` octal number, with an optional `-`.
pub fn parse_number(s: &str) -> Option<i64> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, s),
    };
    let v = if let Some(h) = t.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if t.len() > 1 && t.starts_with('0') {
        i64::from_str_radix(&t[1..], 8).ok()?
    } else {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Bytes as a quoted string with C escapes; data over 48 bytes is shown as
/// its first 16 bytes, its length and an FNV-1a hash.
pub fn quote(data: &[u8]) -> String {
    let q = |d: &[u8]| {
        let mut s = String::from("\"");
        for &b in d {
            match b {
                b'"' => s.push_str("\\\""),
                b'\\' => s.push_str("\\\\"),
                b'\n' => s.push_str("\\n"),
                b'\t' => s.push_str("\\t"),
                0x20..=0x7e => s.push(b as char),
                _ => s.push_str(&format!("\\x{b:02x}")),
            }
        }
        s.push('"');
        s
    };
    if data.len() <= 48 {
        q(data)
    } else {
        format!("{}...({} bytes, fnv {:016x})", q(&data[..16]), data.len(), fnv1a(data))
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
