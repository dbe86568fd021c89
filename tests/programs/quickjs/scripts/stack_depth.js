// jitty corpus (QuickJS): deep recursion ends in QuickJS's own RangeError, as
// it does natively (its stack check compares frame addresses,
// `llvm.frameaddress`); closures, JSON and number formatting on the way.
// Throws on any difference.
function check(what, got, want) {
    if (got !== want) throw new Error(`${what}: got ${got}, want ${want}`);
}
function down(n) { return down(n + 1) + 1; }
let caught = "none";
try { down(0); } catch (e) { caught = `${e instanceof RangeError} ${e.message}`; }
check("deep recursion", caught, "true Maximum call stack size exceeded");
const squares = [];
for (let i = 0; i < 5; i++) squares.push(() => i * i);
check("closures", squares.map(f => f()).join(","), "0,1,4,9,16");
check("json", JSON.stringify({ pi: Math.PI, big: 2 ** 60, neg: -0.1 }),
      '{"pi":3.141592653589793,"big":1152921504606847000,"neg":-0.1}');
check("numbers", `${1e21} ${(123.456).toFixed(1)} ${(0.1 + 0.2).toFixed(20)}`,
      "1e+21 123.5 0.30000000000000004441");
check("modf-like", `${Math.trunc(-2.5)} ${-2.5 % 1} ${Math.sign(-0)}`, "-2 -0.5 0");
