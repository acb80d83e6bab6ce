import { test } from "node:test";
import assert from "node:assert/strict";
import { TLP_LEVELS } from "../tlp/index.js";
import { addressList, certaintyOf, scopeOf, severityOf, urgencyOf } from "./cap-mapping.js";
import { alertIdentifier, parseAlertIdentifier, parseReferences } from "./cap-references.js";
import { capTime, parseCapTime } from "./cap-time.js";
import { capStatusOf } from "./warning-to-cap.js";
import { xmlText } from "./cap-xml.js";

const H = 3_600_000;
const SENT = Date.parse("2026-03-06T09:00:00.000Z");

test("urgency from the window, judged at the alert's sent time (table)", () => {
  const rows: [string, number, number, string][] = [
    ["window closed before the version", SENT - 2 * H, SENT - H, "Past"],
    ["window closes exactly at sent", SENT - H, SENT, "Past"],
    ["window already open", SENT - H, SENT + H, "Immediate"],
    ["window opens at sent", SENT, SENT + H, "Immediate"],
    ["opens within the hour", SENT + 30 * 60_000, SENT + 2 * H, "Expected"],
    ["opens in exactly one hour", SENT + H, SENT + 2 * H, "Expected"],
    ["opens later", SENT + H + 1, SENT + 2 * H, "Future"],
    ["no window", Number.NaN, Number.NaN, "Unknown"],
  ];
  for (const [what, start, end, urgency] of rows) assert.equal(urgencyOf({ start, end }, SENT), urgency, what);
});

test("severity: Tocsin's four levels on CAP's four (table)", () => {
  const rows: [string | undefined, string][] = [["critical", "Extreme"], ["high", "Severe"], ["medium", "Moderate"], ["low", "Minor"], [undefined, "Unknown"], ["catastrophic", "Unknown"]];
  for (const [severity, cap] of rows) assert.equal(severityOf(severity), cap, String(severity));
});

test("certainty from the probability: Likely above 50 %, Possible above 5 %, Unlikely below; never Observed (table)", () => {
  const rows: [number | undefined, string][] = [
    [1, "Likely"], [0.51, "Likely"], [0.5, "Possible"], [0.3, "Possible"], [0.0501, "Possible"], [0.05, "Unlikely"], [0, "Unlikely"],
    [undefined, "Unknown"], [Number.NaN, "Unknown"], [-0.1, "Unknown"], [1.5, "Unknown"],
  ];
  for (const [p, cap] of rows) assert.equal(certaintyOf(p), cap, String(p));
});

test("scope from TLP: RED Private, CLEAR Public, the rest Restricted with the TLP rule as the restriction (table)", () => {
  const expected = { RED: "Private", "AMBER+STRICT": "Restricted", AMBER: "Restricted", GREEN: "Restricted", CLEAR: "Public" } as const;
  for (const level of TLP_LEVELS) {
    const s = scopeOf(level);
    assert.equal(s.scope, expected[level], level);
    assert.equal(s.restriction !== undefined, s.scope === "Restricted", level);
    if (s.restriction) assert.ok(s.restriction.startsWith(`TLP:${level}:`), level);
  }
});

test("status from the warning's labels (table)", () => {
  const rows: [string[], string][] = [[[], "Actual"], [["exercise"], "Exercise"], [["Test"], "Test"], [["exercise", "test"], "Exercise"], [["drill"], "Actual"]];
  for (const [labels, status] of rows) assert.equal(capStatusOf(labels), status, labels.join(","));
});

test("CAP times: UTC as +00:00, whole seconds rounded down; offsets parsed back", () => {
  assert.equal(capTime(Date.parse("2026-03-06T09:00:00.999Z")), "2026-03-06T09:00:00+00:00");
  assert.equal(parseCapTime("2026-03-06T09:00:00+00:00"), SENT);
  assert.equal(parseCapTime("2026-03-06T11:00:00+02:00"), SENT);
  assert.equal(parseCapTime("2026-03-06T04:30:00-04:30"), SENT);
  for (const bad of ["2026-03-06T09:00:00Z", "2026-03-06T09:00:00.000+00:00", "yesterday", "2026-03-06T09:00:00+25:00"]) assert.equal(parseCapTime(bad), undefined, bad);
});

test("identifiers name one warning version and parse back; references are sender,identifier,sent triples", () => {
  const id = "report--0b000000-0000-4000-8000-000000000001";
  const m = "2026-03-06T09:00:00.123Z";
  assert.deepEqual(parseAlertIdentifier(alertIdentifier(id, m)), { warningId: id, modified: m });
  for (const bad of ["KAR0-0306112239-SW", `${id}@cancel`, `${id}`, `indicator--0b000000-0000-4000-8000-000000000001@${m}`, `${id}@${m}@x`]) assert.equal(parseAlertIdentifier(bad), undefined, bad);
  assert.deepEqual(parseReferences(" a,b,c \n d,e,f "), [{ sender: "a", identifier: "b", sent: "c" }, { sender: "d", identifier: "e", sent: "f" }]);
  for (const bad of ["a,b", "a,b,c,d", "a,,c"]) assert.equal(parseReferences(bad), undefined, bad);
});

test("addresses are space-separated; one holding whitespace is quoted", () => {
  assert.equal(addressList(["identity--a", "identity--b"]), "identity--a identity--b");
  assert.equal(addressList(["city alerting"]), '"city alerting"');
});

test("XML text escapes markup and replaces what XML 1.0 cannot carry", () => {
  assert.equal(xmlText(`a<b>&"c'`), `a&lt;b&gt;&amp;"c'`);
  assert.equal(xmlText("x\u0000y\u0008z\uFFFE\uD800"), "x\uFFFDy\uFFFDz\uFFFD\uFFFD");
  assert.equal(xmlText("tab\tnew\nline\rcr 😀"), "tab\tnew\nline&#13;cr 😀");
});
