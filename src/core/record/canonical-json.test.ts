import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { toHex } from "../crypto/index.js";
import { MAX_JSON_DEPTH, canonicalBytes, canonicalJson, canonicalJsonLocating } from "./canonical-json.js";
import { RecordError } from "./record-errors.js";

const notJson = (value: unknown): void =>
  assert.throws(() => canonicalJson(value), (e: unknown) => e instanceof RecordError && e.code === "RECORD_NOT_CANONICALIZABLE");

// RFC 8785 §3.2.2 (parsed input) and §3.2.3 (expected output), the text copied from the RFC.
const RFC8785_3_2_2_INPUT = String.raw`{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`;
const RFC8785_3_2_2_OUTPUT = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;

test("RFC 8785 §3.2.2: the numbers-and-escaping example canonicalizes to the §3.2.3 output", () => {
  assert.equal(canonicalJson(JSON.parse(RFC8785_3_2_2_INPUT)), RFC8785_3_2_2_OUTPUT);
});

test("RFC 8785 §3.2.4: the UTF-8 bytes of the §3.2.2 example", () => {
  // The hex dump of §3.2.4, line by line.
  const expected = [
    "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72",
    "75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a",
    "5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31",
    "65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37",
    "5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30",
    "30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d",
  ].join(" ").replaceAll(" ", "");
  assert.equal(toHex(canonicalBytes(JSON.parse(RFC8785_3_2_2_INPUT))), expected);
});

test("RFC 8785 §3.2.3: properties sort by UTF-16 code units, not code points or locale", () => {
  const input = String.raw`{
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  }`;
  // The property values in the order the RFC lists them after sorting. U+1F600 is D83D DE00 in UTF-16,
  // so it sorts before U+FB33 although its code point is larger.
  const expected =
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
    '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
  assert.equal(canonicalJson(JSON.parse(input)), expected);
});

test("cyberphone/json-canonicalization testdata weird.json (the JCS reference test data)", () => {
  const input = String.raw`{
  "\u20ac": "Euro Sign",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
}`;
  const expected =
    '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
    '"\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
  assert.equal(canonicalJson(JSON.parse(input)), expected);
});

// RFC 8785 Appendix B: IEEE 754 bit patterns and their JCS serialization.
const APPENDIX_B: [string, string][] = [
  ["0000000000000000", "0"],
  ["8000000000000000", "0"], // minus zero
  ["0000000000000001", "5e-324"],
  ["8000000000000001", "-5e-324"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["ffefffffffffffff", "-1.7976931348623157e+308"],
  ["4340000000000000", "9007199254740992"],
  ["c340000000000000", "-9007199254740992"],
  ["4430000000000000", "295147905179352830000"],
  ["44b52d02c7e14af5", "9.999999999999997e+22"],
  ["44b52d02c7e14af6", "1e+23"],
  ["44b52d02c7e14af7", "1.0000000000000001e+23"],
  ["444b1ae4d6e2ef4e", "999999999999999700000"],
  ["444b1ae4d6e2ef4f", "999999999999999900000"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
  ["3eb0c6f7a0b5ed8d", "0.000001"],
  ["41b3de4355555553", "333333333.3333332"],
  ["41b3de4355555554", "333333333.33333325"],
  ["41b3de4355555555", "333333333.3333333"],
  ["41b3de4355555556", "333333333.3333334"],
  ["41b3de4355555557", "333333333.33333343"],
  ["becbf647612f3696", "-0.0000033333333333333333"],
  ["43143ff3c1cb0959", "1424953923781206.2"], // round to even
];

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

test("RFC 8785 Appendix B: number serialization samples", () => {
  for (const [bits, expected] of APPENDIX_B) {
    assert.equal(canonicalJson(fromBits(bits)), expected, bits);
    assert.equal(canonicalJson([fromBits(bits)]), `[${expected}]`, bits);
  }
  // …and the two Appendix B values JCS cannot represent.
  notJson(fromBits("7fffffffffffffff")); // NaN
  notJson(fromBits("7ff0000000000000")); // Infinity
});

test("number literals from the RFC examples, parsed from text", () => {
  const cases: [string, string][] = [
    ["1E30", "1e+30"],
    ["4.50", "4.5"],
    ["2e-3", "0.002"],
    ["333333333.33333329", "333333333.3333333"],
    ["0.000001", "0.000001"],
    ["0.0000001", "1e-7"],
    ["0.000000000000000000000000001", "1e-27"],
    ["-0", "0"],
    ["100", "100"],
    ["1e21", "1e+21"],
    ["123456789012345680000", "123456789012345680000"],
  ];
  for (const [text, expected] of cases) assert.equal(canonicalJson(JSON.parse(text)), expected, text);
});

test("escaping: control characters as \\u00xx lowercase or the short forms, nothing else escaped", () => {
  assert.equal(canonicalJson("\u0000\u0008\t\n\f\r\u001f \"\\/\u007f\u2028é😀"), '"\\u0000\\b\\t\\n\\f\\r\\u001f \\"\\\\/\u007f\u2028é😀"');
  assert.equal(toHex(canonicalBytes("é€😀")), "22c3a9e282acf09f988022");
});

test("whitespace and member order of the input do not matter; array order does", () => {
  const a = JSON.parse('{ "b" : [1, 2, {"y": 1, "x": 2}] ,\n "a": "z" }');
  const b = JSON.parse('{"a":"z","b":[1,2,{"x":2,"y":1}]}');
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(canonicalJson(a), '{"a":"z","b":[1,2,{"x":2,"y":1}]}');
  assert.notEqual(canonicalJson({ b: [2, 1] }), canonicalJson({ b: [1, 2] }));
});

test("values JCS cannot represent are RECORD_NOT_CANONICALIZABLE, wherever they sit", () => {
  class Thing {
    a = 1;
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const cyclicArray: unknown[] = [];
  cyclicArray.push(cyclicArray);
  const bad: unknown[] = [
    undefined,
    NaN,
    Infinity,
    -Infinity,
    10n,
    () => 1,
    Symbol("s"),
    new Date(0),
    new Map(),
    new Set(),
    new Uint8Array(2),
    new Thing(),
    /re/,
    "\ud800",
    "a\udc00b",
    "\ude00\ud83d",
    cyclic,
    cyclicArray,
    [1, , 3], // a hole
  ];
  for (const v of bad) {
    notJson(v);
    notJson({ nested: { deeper: [v] } });
  }
  notJson({ a: undefined });
  notJson([undefined]);
  notJson({ "\ud800": 1 });
  notJson({ toJSON: () => "x" });
  const e = (() => {
    try {
      canonicalJson({ a: [1, { b: NaN }] });
    } catch (err) {
      return err as RecordError;
    }
    return undefined;
  })();
  assert.equal(e?.details?.path, "$.a[1].b");
});

test("shared (non-cyclic) references are fine; Object.create(null) objects are plain", () => {
  const shared = { x: 1 };
  assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
  const bare = Object.create(null) as Record<string, unknown>;
  bare.k = "v";
  assert.equal(canonicalJson(bare), '{"k":"v"}');
  assert.equal(canonicalJson({ __proto__: null, z: 1 }), '{"z":1}');
  assert.equal(canonicalJson(JSON.parse('{"__proto__": 1}')), '{"__proto__":1}');
});

test("nesting is limited to MAX_JSON_DEPTH with a coded error, not a stack overflow", () => {
  const nest = (n: number): unknown => {
    let v: unknown = 0;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  assert.equal(canonicalJson(nest(MAX_JSON_DEPTH)).length, 2 * MAX_JSON_DEPTH + 1);
  notJson(nest(MAX_JSON_DEPTH + 1));
  notJson(JSON.parse("[".repeat(100_000) + "]".repeat(100_000)));
});

test("property: JCS is idempotent through JSON.parse and agrees with JSON.stringify on parsed data", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const c = canonicalJson(v);
      assert.equal(canonicalJson(JSON.parse(c)), c);
      assert.deepEqual(JSON.parse(c), JSON.parse(JSON.stringify(v)));
    }),
    { numRuns: 300 },
  );
});

test("property: reordering object members never changes the canonical form", () => {
  const reverse = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(reverse);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)]));
    }
    return v;
  };
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      assert.equal(canonicalJson(reverse(v)), canonicalJson(v));
    }),
    { numRuns: 300 },
  );
});

test("the one-pass writer gives canonicalJson's text, and cutting the located member gives the JCS without it", () => {
  const without = (v: Record<string, unknown>, path: readonly string[]): unknown => {
    const [head, ...rest] = path;
    const { [head!]: inner, ...others } = v;
    return rest.length === 0 ? others : { ...others, [head!]: without(inner as Record<string, unknown>, rest) };
  };
  const check = (v: Record<string, unknown>, path: readonly string[]): void => {
    const { text, member } = canonicalJsonLocating(v, path);
    assert.equal(text, canonicalJson(v));
    const cut = member === undefined ? text : text.slice(0, member.start) + text.slice(member.end);
    assert.equal(cut, canonicalJson(member === undefined ? v : without(v, path)));
  };
  const path = ["extensions", "ext", "signature"];
  // The member first, last, alone, in the middle, absent; the same key elsewhere is never the one cut.
  check({ extensions: { ext: { signature: "s", z: 1 } }, signature: "top" }, path);
  check({ extensions: { ext: { a: 1, signature: "s" } } }, path);
  check({ extensions: { ext: { signature: "s" } }, b: [{ signature: "s" }] }, path);
  check({ extensions: { a: { signature: "s" }, ext: { a: [1, "x"], signature: { n: null }, z: false }, z: { ext: { signature: 1 } } } }, path);
  check({ extensions: { ext: { a: 1 } } }, path);
  // Integer-like keys, which objects list first in numeric order and JCS sorts as strings ("10" < "9").
  check({ "9": 1, "10": 2, b: 3, "1": 4, a: 5, extensions: { ext: { signature: "s", "2": 1, "10": 0, Z: 1, "é": 2 } } }, path);
  check({ extensions: 3 }, path);
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), (outer, ext, sig) => {
      check({ ...outer, extensions: { ...outer, ext: { ...ext, signature: sig } } }, path);
      check(outer, path);
    }),
    { numRuns: 300 },
  );
  // What canonicalJson refuses, the writer refuses with the same coded error.
  for (const v of [{ a: NaN }, { extensions: { ext: { signature: undefined } } }, { a: "\ud800" }, { a: [1, , 3] }, { a: new Date(0) }]) {
    assert.throws(() => canonicalJsonLocating(v, path), (e: unknown) => e instanceof RecordError && e.code === "RECORD_NOT_CANONICALIZABLE");
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJsonLocating(cyclic, path), (e: unknown) => e instanceof RecordError && e.code === "RECORD_NOT_CANONICALIZABLE" && /cycle/.test(e.message));
});

test("the writer quotes strings as JSON.stringify does: quotes, backslashes, control characters, U+2028, surrogate pairs; lone surrogates refused", () => {
  const path = ["extensions", "ext", "signature"];
  // Code units from every class the writer tells apart, strung together at random.
  const unit = fc.oneof(
    fc.constantFrom('"', "\\", "\u0000", "\b", "\t", "\n", "\f", "\r", "\u001f", "\u007f", "\u2028", "\u2029", "/", "é", "€", "\ud83d\ude00", "\ud800", "\udfff"),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  );
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 12 }).map((u) => u.join("")), (s) => {
      const v = { a: s, extensions: { ext: { signature: s, list: [s, 1] } } };
      let expected: string | undefined;
      try {
        expected = canonicalJson(v);
      } catch {
        expected = undefined;
      }
      if (expected === undefined) {
        assert.throws(() => canonicalJsonLocating(v, path), (e: unknown) => e instanceof RecordError && e.code === "RECORD_NOT_CANONICALIZABLE");
      } else {
        assert.equal(canonicalJsonLocating(v, path).text, expected);
        assert.equal(canonicalJsonLocating(v, path).text.includes(JSON.stringify(s)), true);
      }
    }),
    { numRuns: 2000 },
  );
});

test("the writer's memo of key texts: a key with a lone surrogate is refused every time, and keys past its bound are written alike", () => {
  const path = ["extensions", "ext", "signature"];
  const refused = (e: unknown) => e instanceof RecordError && e.code === "RECORD_NOT_CANONICALIZABLE" && /key with a lone surrogate/.test(e.message);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => canonicalJsonLocating({ "\ud800": 1 }, path), refused);
    assert.throws(() => canonicalJsonLocating({ a: { "x\udc00": 1 } }, path), refused);
  }
  // Thousands of one-off keys (more than the memo keeps), long keys, then keys seen before: the same text as canonicalJson's.
  const many: Record<string, number> = {};
  for (let i = 0; i < 6000; i++) many[`k${i}`] = i;
  many["long-".repeat(30)] = 1;
  many["é\u2028\"\\"] = 2;
  for (const v of [many, { extensions: { ext: { signature: "s", k5999: 1 } }, ["long-".repeat(30)]: 3 }, many]) {
    assert.equal(canonicalJsonLocating(v, path).text, canonicalJson(v));
  }
  assert.throws(() => canonicalJsonLocating({ "\ud800": 1 }, path), refused);
});
