//! An oracle over a memory image given as data, shared by the tests.

#![allow(dead_code)]

use jitty_spec::{Classified, Oracle};
use std::collections::HashMap;

/// One annotated range of the image.
#[derive(Debug, Clone)]
pub struct Cell {
    pub addr: u64,
    pub size: u64,
    pub value: u64,
    /// `Some(deps word)` for a `Quasi` cell.
    pub quasi: Option<u64>,
    pub what: String,
}

/// Memory as a list of annotated cells; everything else is unannotated.
#[derive(Debug, Default, Clone)]
pub struct MapOracle {
    pub cells: Vec<Cell>,
    pub symbols: HashMap<String, u64>,
}

impl MapOracle {
    fn cell(&self, addr: u64, size: u64) -> Option<&Cell> {
        self.cells.iter().find(|c| c.addr <= addr && addr + size <= c.addr + c.size)
    }
}

impl Oracle for MapOracle {
    fn classify(&self, addr: u64, size: u64) -> Classified {
        match self.cell(addr, size) {
            None => Classified::No { why: "not annotated".into() },
            Some(c) => match c.quasi {
                None => Classified::Const { what: c.what.clone() },
                Some(d) => Classified::Quasi { what: c.what.clone(), deps_word: d, cell: (c.addr, c.size) },
            },
        }
    }

    fn read(&self, addr: u64, size: u64) -> Option<u64> {
        let c = self.cell(addr, size)?;
        let shift = (addr - c.addr) * 8;
        let v = c.value >> shift;
        Some(if size >= 8 { v } else { v & ((1u64 << (size * 8)) - 1) })
    }

    fn symbol_addr(&self, name: &str) -> Option<u64> {
        self.symbols.get(name).copied()
    }

    fn symbol_at(&self, addr: u64) -> Option<String> {
        self.symbols.iter().find(|&(_, a)| *a == addr).map(|(n, _)| n.clone())
    }
}

/// Parses a number: decimal or `0x` hex.
pub fn num(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse::<i64>().ok().map(|v| v as u64),
    }
}
