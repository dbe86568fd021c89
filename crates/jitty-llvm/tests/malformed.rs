//! Malformed inputs: every one gives an error with a location, never a panic.

use expect_test::{Expect, expect};

fn check(src: &str, want: Expect) {
    match jitty_llvm::parse_module(src, "t.ll") {
        Ok(_) => panic!("expected an error for:\n{src}"),
        Err(e) => want.assert_eq(&e.to_string()),
    }
}

#[test]
fn truncated_files() {
    check(
        "define i32 @f(i32 %a) {\nentry:\n  %x = add i32 %a,",
        expect!["t.ll:3:19: expected a constant, found end of file"],
    );
    check("define i32 @f(", expect!["t.ll:1:15: expected a type, found end of file"]);
    check("@g = global [2 x i8] c\"ab", expect!["t.ll:1:22: expected a constant, found unterminated string"]);
    check(
        "define void @f() {\n  ret void\n",
        expect!["t.ll:3:1: expected `}` to end the function body, found end of file"],
    );
    check("!0 = !{i32 1, !{", expect!["t.ll:1:7: unterminated `{`: no matching `}`"]);
    check("%T = type { i32,", expect!["t.ll:1:17: expected a type, found end of file"]);
}

#[test]
fn bad_tokens() {
    check(
        "define i32 @f() {\n  %x = frobnicate i32 1\n  ret i32 %x\n}",
        expect!["t.ll:2:8: expected an instruction, found `frobnicate`"],
    );
    check("@g = global i32 ~", expect!["t.ll:1:17: expected a constant, found `~`"]);
    check("@g = global i99999999 0", expect!["t.ll:1:13: invalid integer type `i99999999`"]);
    check("@g = global ptr* null", expect!["t.ll:1:16: typed pointers are not supported; use `ptr`"]);
    check("@g = global double 0xZZ", expect!["t.ll:1:20: invalid floating-point constant `0x`"]);
    check("@g = global float 0xK1234", expect!["t.ll:1:19: invalid floating-point constant `0xK1234`"]);
    check(
        "@g = global i8 99999999999999999999999999999999999999999",
        expect!["t.ll:1:16: integer constant `99999999999999999999999999999999999999999` is too large"],
    );
    check("wat", expect!["t.ll:1:1: expected a top-level entity, found `wat`"]);
    check("@g = global i32 1 \u{e9}", expect!["t.ll:1:19: expected a top-level entity, found unexpected character"]);
}

#[test]
fn type_mismatches() {
    check(
        "define i32 @f(i64 %a) {\n  ret i32 %a\n}",
        expect!["t.ll:2:11: type mismatch: `%a` has type `i64` but is used as `i32`"],
    );
    check("@g = global i32 c\"ab\"", expect!["t.ll:1:17: string constant is not a valid constant of type `i32`"]);
    check(
        "@g = global [2 x i8] c\"abc\"",
        expect!["t.ll:1:22: string constant is not a valid constant of type `[2 x i8]`"],
    );
    check("@g = global { i32 } { i64 1 }", expect!["t.ll:1:23: expected element type `i32`, found `i64`"]);
    check("@g = global i32 null", expect!["t.ll:1:17: null is not a valid constant of type `i32`"]);
    check(
        "define void @f() {\n  %x = add i32 1, 2\n  br label %b\nb:\n  %y = phi i64 [ %x, %0 ]\n  ret void\n}",
        expect!["t.ll:5:18: type mismatch: `%x` has type `i32` but is used as `i64`"],
    );
    check(
        "define void @f() {\n  br label %b\nb:\n  %y = add i64 %z, 1\n  %z = add i32 1, 2\n  ret void\n}",
        expect!["t.ll:4:16: type mismatch: value defined with type `i32` but used as `i64`"],
    );
    check(
        "define void @f(i32 %c) {\n  br i32 %c, label %a, label %a\na:\n  ret void\n}",
        expect!["t.ll:2:6: branch condition must be `i1`"],
    );
}

#[test]
fn undefined_names() {
    check(
        "define i32 @f() {\n  %x = add i32 %nope, 1\n  ret i32 %x\n}",
        expect!["t.ll:2:16: use of undefined value `%nope`"],
    );
    check("define void @f() {\n  br label %nowhere\n}", expect!["t.ll:2:12: use of undefined label `%nowhere`"]);
    check("@g = global ptr @missing", expect!["t.ll:1:17: use of undefined symbol `@missing`"]);
    check("@g = global %Missing zeroinitializer", expect!["t.ll:1:13: use of undefined type `%Missing`"]);
    check(
        "define void @f() {\n  ret void\n}\ndefine void @f() {\n  ret void\n}",
        expect!["t.ll:4:13: redefinition of symbol `@f`"],
    );
    check(
        "define void @f() {\n  %x = add i32 1, 1\n  %x = add i32 1, 1\n  ret void\n}",
        expect!["t.ll:3:3: redefinition of a local value"],
    );
}

#[test]
fn wrong_operand_counts() {
    check("define i32 @f() {\n  %x = add i32 1\n  ret i32 %x\n}", expect!["t.ll:3:3: expected `,`, found `ret`"]);
    check("define void @f() {\n  store i32 1\n  ret void\n}", expect!["t.ll:3:3: expected `,`, found `ret`"]);
    check(
        "define i32 @f() {\n  %x = extractvalue { i32 } zeroinitializer, 3\n  ret i32 %x\n}",
        expect!["t.ll:2:46: index 3 is out of range for type `{ i32 }`"],
    );
    check(
        "define void @f() {\n  %x = add i32 1, 2\n}",
        expect!["t.ll:3:1: expected a terminator instruction before `}`"],
    );
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("@g = global {}i8{} zeroinitializer", "[1 x ".repeat(300), "]".repeat(300));
    check(&deep, expect!["t.ll:1:1293: nesting deeper than 256 levels"]);
    let deep_c = format!("@g = global i64 {}0{}", "add (i64 ".repeat(400), ", i64 1)".repeat(400));
    check(&deep_c, expect!["t.ll:1:2317: nesting deeper than 256 levels"]);
    // Within the bound, deep nesting parses without overflowing the stack.
    let ok = format!("@g = global {}i8{} zeroinitializer", "[1 x ".repeat(200), "]".repeat(200));
    let m = jitty_llvm::parse_module(&ok, "t.ll").expect("200 levels parse");
    assert!(jitty_ir::print_module(&m).contains("[1 x [1 x"));
}

fn global_ty(m: &jitty_ir::Module, name: &str) -> jitty_ir::Ty {
    match m.symbol(name) {
        Some(jitty_ir::Symbol::Global(g)) => m.global(g).value_ty,
        other => panic!("@{name} is {other:?}"),
    }
}

#[test]
fn recursive_named_types_are_rejected() {
    // Found with hand-written inputs while the fuzzer ran: these were accepted and verified, and any
    // size or alignment query on them recursed until the stack overflowed.
    check(
        "%T = type { %T }\n@g = external global %T",
        expect!["t.ll:1:1: type `%T` is recursive: it contains itself, not through a `ptr`"],
    );
    check(
        "%T = type { ptr, [2 x %U] }\n%U = type { i8, %T }\n@g = global %T zeroinitializer",
        expect!["t.ll:1:1: type `%T` is recursive: it contains itself, not through a `ptr`"],
    );
    check(
        "define void @f() {\n  %a = alloca %T\n  ret void\n}\n%T = type { ptr, %T }",
        expect!["t.ll:5:1: type `%T` is recursive: it contains itself, not through a `ptr`"],
    );
    // A cycle through `ptr` is how LLVM spells a linked list: fine.
    let m = jitty_llvm::parse_module(
        "%L = type { ptr, %M }\n%M = type { i64, ptr }\n@g = global %L zeroinitializer",
        "t.ll",
    )
    .expect("cycles through ptr are fine");
    assert_eq!(m.layout.alloc_size(&m.types, global_ty(&m, "g")), 24);
}

#[test]
fn named_type_chains_are_bounded() {
    // Each definition is shallow, but a chain of named types nests as deep as
    // it is long: every layout query recursed once per link.
    let chain = |n: usize| {
        let mut s: String = (0..n).map(|i| format!("%t{i} = type {{ i8, %t{} }}\n", i + 1)).collect();
        s.push_str(&format!("%t{n} = type {{ i64 }}\n@g = global %t0 zeroinitializer\n"));
        s
    };
    check(
        &chain(5000),
        expect!["t.ll:4746:1: type `%t4745` nests deeper than 256 levels (counting the named types it contains)"],
    );
    let m = jitty_llvm::parse_module(&chain(200), "t.ll").expect("200 links are fine");
    assert_eq!(m.layout.alloc_size(&m.types, global_ty(&m, "g")), 8 * 201);
}

#[test]
fn bad_datalayout_alignments_are_rejected() {
    // An alignment of 0 made every size computation divide by zero.
    check(
        "target datalayout = \"e-p:64:0\"",
        expect!["t.ll:1:21: bad datalayout component `p:64:0`: alignment not a power of two up to 2^32 bytes"],
    );
    check(
        "target datalayout = \"e-i64:24\"",
        expect!["t.ll:1:21: bad datalayout component `i64:24`: alignment not a power of two up to 2^32 bytes"],
    );
    check(
        "target datalayout = \"e-p:18446744073709551608:64\"",
        expect!["t.ll:1:21: bad datalayout component `p:18446744073709551608:64`: pointer size out of range"],
    );
}

#[test]
fn splats_cannot_expand_without_bound() {
    // Found with hand-written inputs while the fuzzer ran: 100 lines of
    // `<65536 x i32> splat (i32 N)` (4 KB) expanded to 6.5 million lanes and
    // took 4 s in the fuzz target; 64 KB of them timed out.
    let bomb: String = (0..100).map(|i| format!("@g{i} = global <65536 x i32> splat (i32 {i})\n")).collect();
    check(
        &bomb,
        expect![
            "t.ll:6:28: the module's splat constants expand to more than 339456 lanes (2^16 + 64 per byte of input)"
        ],
    );
    // One wide splat, and many narrow ones, are fine.
    jitty_llvm::parse_module("@g = global <65536 x i32> splat (i32 7)", "t.ll").expect("one wide splat");
    let narrow: String = (0..1000).map(|i| format!("@g{i} = global <8 x i32> splat (i32 {i})\n")).collect();
    jitty_llvm::parse_module(&narrow, "t.ll").expect("narrow splats");
}

#[test]
fn hex_and_wide_integer_literals_read_as_llvm_reads_them() {
    // Found by reading the reader while the fuzzer ran: `s0x` was truncated,
    // not sign-extended (`i32 s0xF` read as 15; llvm-as-22 reads -1), and
    // wide types took no hex at all.
    let src = "@a = global i32 s0xF\n@b = global i32 u0xF\n@c = global i200 s0xF0\n@d = global i8 s0x1FF\n@e = global i200 u0xF0\n";
    let m = jitty_llvm::parse_module(src, "t.ll").expect("hex literals parse");
    let printed = jitty_ir::print_module(&m);
    for want in [
        "@a = global i32 -1",
        "@b = global i32 15",
        "@c = global i200 -16",
        "@d = global i8 -1",
        "@e = global i200 240",
    ] {
        assert!(printed.contains(want), "missing `{want}` in:\n{printed}");
    }
    // A 24-byte `i8388608 -1` printed as 2.5 million decimal digits by
    // quadratic division (over a minute); now it prints as `-1`, and huge
    // magnitudes print in linear time as hex.
    let m = jitty_llvm::parse_module("@g = global i8388608 -1\n", "t.ll").expect("parses");
    assert!(jitty_ir::print_module(&m).contains("@g = global i8388608 -1"));
    let huge = format!("@g = global i8388608 -{}\n@h = global i8388608 {}\n", "9".repeat(20000), "7".repeat(20000));
    assert_eq!(jitty_llvm::check_roundtrip(&huge, "t.ll"), Ok(jitty_llvm::RoundTrip::Stable));
}

#[test]
fn wide_constants_cannot_expand_without_bound() {
    // Found with hand-written inputs while the fuzzer ran: 44 KB of distinct
    // `i8388608 N` literals (1 MB each) took 9.5 GB and over a minute.
    let n = 3000;
    let lits: Vec<String> = (0..n).map(|i| format!("i8388608 {i}")).collect();
    let bomb = format!("@g = global [{n} x i8388608] [{}]\n", lits.join(", "));
    check(
        &bomb,
        expect![
            "t.ll:1:408: the module's integer constants wider than 128 bits take more than 3859520 words (2^20 + 64 per byte of input)"
        ],
    );
    // A few of the widest, and many i136 (clang's bitfield groups), are fine.
    let few: String = (0..4).map(|i| format!("@g{i} = global i8388608 {i}\n")).collect();
    jitty_llvm::parse_module(&few, "t.ll").expect("a few wide literals");
    let many: String = (0..3000).map(|i| format!("@g{i} = global i136 {i}\n")).collect();
    jitty_llvm::parse_module(&many, "t.ll").expect("many narrow wide literals");
}

#[test]
fn type_trees_are_bounded() {
    // Found with hand-written inputs while the fuzzer ran: 1 KB of
    // `%tN = type { %tN-1, %tN-1 }` made every size query take 2^N steps
    // (the fuzz target and an `alloca` hung). Layouts now walk a tree once,
    // and the tree has at most MAX_TYPE_NODES nodes.
    let doubling = |n: usize| {
        let mut s = String::from("%t0 = type { i64 }\n");
        s.extend((1..=n).map(|i| format!("%t{i} = type {{ %t{}, %t{} }}\n", i - 1, i - 1)));
        s
    };
    check(
        &doubling(40),
        expect![
            "t.ll:16:1: type `%t15` has more than 65536 nested fields and elements (counting the named types it contains)"
        ],
    );
    let m = jitty_llvm::parse_module(&format!("{}@g = global %t14 zeroinitializer", doubling(14)), "t.ll")
        .expect("%t14 has 49151 nodes");
    assert_eq!(m.layout.alloc_size(&m.types, global_ty(&m, "g")), 8 << 14);
    // A literal type is bounded too, and reported where a named type it holds is defined.
    let wide = format!("{}@g = external global {{ {} }}", doubling(13), ["%t13"; 5].join(", "));
    check(
        &wide,
        expect![
            "t.ll:14:1: type `{ %t13, %t13, %t13, %t13, %t13 }` has more than 65536 nested fields and elements (counting the named types it contains)"
        ],
    );
}
