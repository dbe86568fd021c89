//! The report: a text table, a self-contained HTML page (inline SVG bar
//! charts, no JavaScript) and JSON.

use std::fmt::Write as _;

use crate::callgrind::FnCost;
use crate::exp::Experiment;

/// One experiment's measurements.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExpResult {
    /// The experiment (serialized through `key`).
    #[serde(skip)]
    pub experiment: Experiment,
    /// Its key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// Exactly what one operation is.
    pub what: String,
    /// Operations per timed batch.
    pub ops_per_batch: u64,
    /// Batches measured.
    pub batches: usize,
    /// Median ns/op over batches.
    pub median_ns: f64,
    /// 10th percentile ns/op.
    pub p10_ns: f64,
    /// 90th percentile ns/op.
    pub p90_ns: f64,
    /// Instructions per operation (callgrind), if counted.
    pub instructions: Option<f64>,
}

/// One experiment, generic against specialized (`jitty bench --json`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    /// `E1`, `E2`, `E2'`, ...
    pub id: String,
    /// Median ns/op of the generic path.
    pub generic_ns: Option<f64>,
    /// Median ns/op of the specialized path (None: no specialized arm).
    pub specialized_ns: Option<f64>,
    /// `generic_ns / specialized_ns`.
    pub ratio: Option<f64>,
    /// Instructions/op of the generic path.
    pub generic_instr: Option<f64>,
    /// Instructions/op of the specialized path.
    pub specialized_instr: Option<f64>,
    /// `generic_instr / specialized_instr`.
    pub instr_ratio: Option<f64>,
    /// The target.
    pub target: String,
    /// Why there is no specialized figure, if there is none, or what a
    /// figure other than a ratio is.
    pub note: String,
    /// A figure that is not a ratio (E7: median latency in microseconds).
    pub value: Option<f64>,
}

/// E8 as a comparison row: a guarded write through `fcntl(F_SETFL)`,
/// without and with a dependent. (The primitive against a plain store is
/// `cargo bench -p jitty-kernel-modtests --bench e8_quasi_write`.)
pub fn e8(results: &[ExpResult]) -> Comparison {
    let get = |e: Experiment| results.iter().find(|r| r.experiment == e);
    let (u, g) = (get(Experiment::E8Unguarded), get(Experiment::E8Guarded));
    let f = |r: Option<&ExpResult>| {
        r.map_or("-".to_string(), |r| format!("{:.1} ns, {} Ir", r.median_ns, fmt_opt(r.instructions)))
    };
    Comparison {
        id: "E8".into(),
        generic_ns: u.map(|r| r.median_ns),
        specialized_ns: None,
        ratio: None,
        generic_instr: u.and_then(|r| r.instructions),
        specialized_instr: None,
        instr_ratio: None,
        target: "an unguarded Quasi write costs <= 2 ns more than a plain store".into(),
        note: format!(
            "fcntl(F_SETFL) with no dependents: {}; with a dependent (unplug + drain): {}; the primitive \
             against a plain store: cargo bench -p jitty-kernel-modtests --bench e8_quasi_write",
            f(u),
            f(g)
        ),
        value: u.map(|r| r.median_ns),
    }
}

/// E7 as a comparison row: the median specialization latency (request to
/// plugged) over every sample of every point.
pub fn e7(samples: &[crate::exp::SpecLatency]) -> Comparison {
    let median_of = |reused: bool| {
        let mut t: Vec<f64> = samples.iter().filter(|s| s.reused == reused).map(|s| s.total_us).collect();
        t.sort_by(f64::total_cmp);
        (!t.is_empty()).then(|| (t[t.len() / 2], t.len()))
    };
    let mut bytes: Vec<usize> = samples.iter().filter(|s| !s.reused).map(|s| s.code_bytes).collect();
    bytes.sort_unstable();
    let cold = median_of(false);
    let replug = match median_of(true) {
        Some((m, n)) => format!("; replugging unplugged code whose facts hold again: median {m:.0} us over {n}"),
        None => String::new(),
    };
    Comparison {
        id: "E7".into(),
        generic_ns: None,
        specialized_ns: None,
        ratio: None,
        generic_instr: None,
        specialized_instr: None,
        instr_ratio: None,
        target: "median specialization latency <= 200 us per point, with code size".into(),
        note: match cold {
            Some((m, n)) => format!(
                "median {m:.0} us over {n} specializations; median code {} bytes{replug}",
                bytes[bytes.len() / 2]
            ),
            None => "no specialization was timed".into(),
        },
        value: cold.map(|c| c.0),
    }
}

/// The whole run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KernelReport {
    /// Per experiment, in run order.
    pub results: Vec<ExpResult>,
    /// Generic against specialized, one entry per seed experiment.
    pub comparisons: Vec<Comparison>,
    /// E7: every specialization timed.
    pub spec_latency: Vec<crate::exp::SpecLatency>,
    /// The driver's counters.
    pub spec_counters: jitty_os::spec::Stats,
    /// E1's instructions per operation by function (inclusive, self), largest first.
    pub e1_breakdown: Vec<FnCost>,
    /// What happened with callgrind.
    pub callgrind_note: String,
    /// Processes in the kernel's table during E2/E2'.
    pub processes_in_table: i32,
    /// Median `kill` calls per item in E3.
    pub e3_kills_per_item: Option<f64>,
    /// Whether this was a quick run.
    pub quick: bool,
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.1}"))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The seed experiments: id, generic experiment, target.
const SEEDS: &[(&str, Experiment, &str)] = &[
    ("E1", Experiment::E1PipeWrite, ">= 10x fewer instructions"),
    ("E2", Experiment::E2KillUsr1, ">= 3x"),
    ("E2'", Experiment::E2pKill0, ">= 15x"),
    ("E3", Experiment::E3ProdCons, ">= 2x"),
    ("E4", Experiment::E4Read16, ">= 3x"),
    ("E5", Experiment::E5VmBest, ">= 2x, and faster than the host's malloc"),
    ("E6", Experiment::E6Call, ">= 3.5x"),
];

/// Pairs each seed experiment's generic result with its specialized arm's.
pub fn compare(results: &[ExpResult], failures: &std::collections::BTreeMap<Experiment, String>) -> Vec<Comparison> {
    let get = |e: Experiment| results.iter().find(|r| r.experiment == e);
    let div = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    SEEDS
        .iter()
        .map(|&(id, g, target)| {
            let gen_r = get(g);
            let spec = g.spec_of();
            let spec_r = spec.and_then(get);
            let note = match (spec, spec_r) {
                (None, _) => "no specialized arm yet: its spec point has no dispatch slot plugged by the driver".into(),
                (Some(s), None) => failures.get(&s).cloned().unwrap_or_else(|| "not run".into()),
                _ => String::new(),
            };
            let (gn, sn) = (gen_r.map(|r| r.median_ns), spec_r.map(|r| r.median_ns));
            let (gi, si) = (gen_r.and_then(|r| r.instructions), spec_r.and_then(|r| r.instructions));
            Comparison {
                id: id.to_string(),
                generic_ns: gn,
                specialized_ns: sn,
                ratio: div(gn, sn),
                generic_instr: gi,
                specialized_instr: si,
                instr_ratio: div(gi, si),
                target: target.to_string(),
                note,
                value: None,
            }
        })
        .collect()
}

impl KernelReport {
    /// The comparisons as JSON: one object per experiment.
    pub fn comparisons_json(&self) -> String {
        serde_json::to_string_pretty(&self.comparisons).expect("plain numbers and strings serialize")
    }

    /// The generic-against-specialized table.
    pub fn render_comparisons(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<5} {:>10} {:>10} {:>7} {:>11} {:>11} {:>7}  target",
            "", "generic ns", "spec ns", "ratio", "generic Ir", "spec Ir", "Ir x"
        );
        let _ = writeln!(s, "{}", "-".repeat(100));
        for c in &self.comparisons {
            let _ = writeln!(
                s,
                "{:<5} {:>10} {:>10} {:>7} {:>11} {:>11} {:>7}  {}{}",
                c.id,
                fmt_opt(c.generic_ns),
                fmt_opt(c.specialized_ns),
                c.ratio.map_or("-".into(), |r| format!("{r:.2}")),
                fmt_opt(c.generic_instr),
                fmt_opt(c.specialized_instr),
                c.instr_ratio.map_or("-".into(), |r| format!("{r:.2}")),
                c.target,
                if c.note.is_empty() { String::new() } else { format!(" ({})", c.note) }
            );
        }
        s
    }

    /// The result of experiment `e`, if it ran.
    pub fn get(&self, e: Experiment) -> Option<&ExpResult> {
        self.results.iter().find(|r| r.experiment == e)
    }

    /// A plain-text table (ns/op median, p10, p90, instructions/op) and the E1 breakdown.
    pub fn render_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<36} {:>10} {:>10} {:>10} {:>12}",
            "experiment (generic kernel)", "median ns", "p10 ns", "p90 ns", "instr/op"
        );
        let _ = writeln!(s, "{}", "-".repeat(82));
        for r in &self.results {
            let _ = writeln!(
                s,
                "{:<36} {:>10.1} {:>10.1} {:>10.1} {:>12}",
                r.label,
                r.median_ns,
                r.p10_ns,
                r.p90_ns,
                fmt_opt(r.instructions)
            );
        }
        let _ = writeln!(s, "\ngeneric against specialized (ratio = generic / specialized):");
        s.push_str(&self.render_comparisons());
        let _ = write!(s, "{}", self.spec_counters);
        let _ = writeln!(s, "\nprocesses in the kernel table (E2/E2'): {}", self.processes_in_table);
        if let Some(k) = self.e3_kills_per_item {
            let _ = writeln!(s, "E3 kill(peer, SIGUSR1) calls per item (median): {k:.3}");
        }
        let _ = writeln!(s, "{}", self.callgrind_note);
        if !self.spec_latency.is_empty() {
            let _ = writeln!(
                s,
                "\nE7 specialization latency (request to plugged), every sample (replug: plugged back \
                 without evaluation; eval and JIT are its first specialization's):"
            );
            let _ = writeln!(
                s,
                "  {:<16} {:>10} {:>10} {:>10} {:>8} {:>8} {:>6}",
                "point", "total us", "eval us", "JIT us", "bytes", "IR", "guards"
            );
            for l in &self.spec_latency {
                let _ = writeln!(
                    s,
                    "  {:<16} {:>10.0} {:>10.0} {:>10.0} {:>8} {:>8} {:>6}",
                    l.label(),
                    l.total_us,
                    l.evaluate_us,
                    l.compile_us,
                    l.code_bytes,
                    l.residual_insts,
                    l.guards
                );
            }
        }
        if !self.e1_breakdown.is_empty() {
            let _ = writeln!(s, "\nE1 instructions per write by function (inclusive / self):");
            for f in &self.e1_breakdown {
                let _ = writeln!(s, "  {:>9.1} {:>9.1}  {}", f.inclusive, f.self_cost, f.function);
            }
        }
        s
    }

    fn svg_bars(&self, title: &str, unit: &str, value: impl Fn(&ExpResult) -> Option<f64>) -> String {
        let rows: Vec<(&ExpResult, f64)> =
            self.results.iter().filter_map(|r| value(r).filter(|v| v.is_finite()).map(|v| (r, v))).collect();
        let max = rows.iter().map(|&(_, v)| v).fold(0.0f64, f64::max).max(1e-9);
        let (label_w, bar_w, row_h) = (300.0, 420.0, 22.0);
        let h = 30.0 + row_h * rows.len() as f64;
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{h}\" font-family=\"monospace\" font-size=\"12\">\
             <text x=\"0\" y=\"16\" font-weight=\"bold\">{}</text>",
            label_w + bar_w + 110.0,
            esc(title)
        );
        for (i, (r, v)) in rows.iter().enumerate() {
            let y = 26.0 + row_h * i as f64;
            let w = (v / max * bar_w).max(1.0);
            let fill = if r.key.starts_with("host") { "#999999" } else { "#3a6ea5" };
            let _ = write!(
                s,
                "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{fill}\"/>\
                 <text x=\"{:.1}\" y=\"{}\">{v:.1} {unit}</text>",
                y + 14.0,
                esc(&r.label),
                row_h - 6.0,
                label_w + w + 6.0,
                y + 14.0
            );
        }
        s.push_str("</svg>");
        s
    }

    /// Bars of the instruction ratio (generic / specialized) per experiment,
    /// with the target's factor marked where it is one.
    fn svg_ratio_bars(&self) -> String {
        let rows: Vec<(&Comparison, f64)> =
            self.comparisons.iter().filter_map(|c| c.instr_ratio.map(|r| (c, r))).collect();
        if rows.is_empty() {
            return String::new();
        }
        let target = |t: &str| -> Option<f64> {
            let t = t.trim_start_matches(">= ");
            t.split('x').next().and_then(|x| x.trim().parse::<f64>().ok())
        };
        let max = rows.iter().map(|&(c, r)| r.max(target(&c.target).unwrap_or(0.0))).fold(1.0f64, f64::max);
        let (label_w, bar_w, row_h) = (80.0, 520.0, 24.0);
        let h = 30.0 + row_h * rows.len() as f64;
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{h}\" font-family=\"monospace\" \
             font-size=\"12\"><text x=\"0\" y=\"16\" font-weight=\"bold\">instructions: generic / specialized \
             (bar), target (red tick)</text>",
            label_w + bar_w + 120.0
        );
        for (i, (c, r)) in rows.iter().enumerate() {
            let y = 26.0 + row_h * i as f64;
            let w = (r / max * bar_w).max(1.0);
            let _ = write!(
                s,
                "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" \
                 height=\"{}\" fill=\"#3a6ea5\"/><text x=\"{:.1}\" y=\"{}\">{r:.2}x</text>",
                y + 15.0,
                esc(&c.id),
                row_h - 6.0,
                label_w + w + 6.0,
                y + 15.0
            );
            if let Some(t) = target(&c.target) {
                let x = label_w + t / max * bar_w;
                let _ = write!(
                    s,
                    "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#c00\" stroke-width=\"2\"/>",
                    y - 2.0,
                    y + row_h - 4.0
                );
            }
        }
        s.push_str("</svg>");
        s
    }

    /// A self-contained HTML page with the table, SVG bar charts and the E1 breakdown.
    pub fn render_html(&self) -> String {
        let mut s = String::from(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>jitty bench kernel</title>\
             <style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:right}\
             td.l,th.l{text-align:left}table{border-collapse:collapse}tr:nth-child(even){background:#f2f2f2}</style>\
             </head><body><h1>jitty kernel: experiments E1&ndash;E8, generic and specialized</h1>",
        );
        let _ = write!(
            s,
            "<p>Native generic kernel through the syscall ABI (GFT). {} run; median of per-batch ns/op over \
             round-robin batches; instructions/op from callgrind. Processes in the table: {}.</p>",
            if self.quick { "Quick" } else { "Full" },
            self.processes_in_table
        );
        s.push_str(
            "<table><tr><th class=\"l\">experiment</th><th>median ns/op</th><th>p10</th><th>p90</th>\
             <th>instr/op</th><th>ops/batch</th><th>batches</th><th class=\"l\">what is measured</th></tr>",
        );
        for r in &self.results {
            let _ = write!(
                s,
                "<tr><td class=\"l\">{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td class=\"l\">{}</td></tr>",
                esc(&r.label),
                r.median_ns,
                r.p10_ns,
                r.p90_ns,
                fmt_opt(r.instructions),
                r.ops_per_batch,
                r.batches,
                esc(&r.what)
            );
        }
        s.push_str("</table>");
        s.push_str(
            "<h2>Generic against specialized</h2><table><tr><th class=\"l\">id</th><th>generic ns</th>\
             <th>specialized ns</th><th>ratio</th><th>generic instr</th><th>specialized instr</th>\
             <th>instr ratio</th><th class=\"l\">target</th><th class=\"l\">note</th></tr>",
        );
        for c in &self.comparisons {
            let r2 = |v: Option<f64>| v.map_or("-".into(), |r| format!("{r:.2}"));
            let _ = write!(
                s,
                "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"l\">{}</td><td class=\"l\">{}</td></tr>",
                esc(&c.id),
                fmt_opt(c.generic_ns),
                fmt_opt(c.specialized_ns),
                r2(c.ratio),
                fmt_opt(c.generic_instr),
                fmt_opt(c.specialized_instr),
                r2(c.instr_ratio),
                esc(&c.target),
                esc(&c.note)
            );
        }
        s.push_str("</table>");
        let _ = write!(s, "<p>{}</p>", esc(&self.callgrind_note));
        if let Some(k) = self.e3_kills_per_item {
            let _ = write!(s, "<p>E3: {k:.3} kill(peer, SIGUSR1) per item (median).</p>");
        }
        if !self.spec_latency.is_empty() {
            s.push_str(
                "<h2>E7: specialization latency, request to plugged</h2><table><tr><th class=\"l\">point</th>\
                 <th>total us</th><th>evaluate us</th><th>JIT us</th><th>code bytes</th><th>residual IR</th>\
                 <th>guards</th></tr>",
            );
            for l in &self.spec_latency {
                let _ = write!(
                    s,
                    "<tr><td class=\"l\">{}</td><td>{:.0}</td><td>{:.0}</td><td>{:.0}</td><td>{}</td><td>{}</td>\
                     <td>{}</td></tr>",
                    esc(&l.label()),
                    l.total_us,
                    l.evaluate_us,
                    l.compile_us,
                    l.code_bytes,
                    l.residual_insts,
                    l.guards
                );
            }
            s.push_str("</table>");
        }
        s.push_str(&self.svg_ratio_bars());
        s.push_str("<br>");
        s.push_str(&self.svg_bars("ns/op (median)", "ns", |r| Some(r.median_ns)));
        s.push_str("<br>");
        s.push_str(&self.svg_bars("instructions/op (callgrind)", "Ir", |r| r.instructions));
        if !self.e1_breakdown.is_empty() {
            s.push_str(
                "<h2>E1: instructions per 1-byte pipe write, by function</h2><table>\
                 <tr><th>inclusive</th><th>self</th><th class=\"l\">function</th></tr>",
            );
            for f in &self.e1_breakdown {
                let _ = write!(
                    s,
                    "<tr><td>{:.1}</td><td>{:.1}</td><td class=\"l\">{}</td></tr>",
                    f.inclusive,
                    f.self_cost,
                    esc(&f.function)
                );
            }
            s.push_str("</table>");
        }
        s.push_str("</body></html>\n");
        s
    }

    /// The report as JSON (non-finite numbers become `null`).
    pub fn render_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report of plain numbers and strings serializes")
    }
}
