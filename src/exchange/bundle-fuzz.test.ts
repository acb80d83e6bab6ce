import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { auditBundle, BundleError, parseBundle, type AccountabilityBundle } from "../core/bundle/index.js";
import { journeyWorld } from "../testing/journey-fixture.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a string leaf under the members that carry evidence (not exported_at, not display names). */
function evidencePaths(v: Json, path: (string | number)[] = []): (string | number)[][] {
  if (typeof v === "string") return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => evidencePaths(x, [...path, i]));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => evidencePaths(x, [...path, k]));
  return [];
}

function allPaths(v: Json, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => allPaths(x, [...path, i]))];
  if (v && typeof v === "object") return [...here, ...Object.entries(v).flatMap(([k, x]) => allPaths(x, [...path, k]))];
  return here;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let o = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, Json>;
  o[path.at(-1)!] = value;
  return copy as Json;
}

function getAt(root: Json, path: (string | number)[]): Json {
  let o: Json = root;
  for (const k of path) o = (o as Record<string | number, Json>)[k]!;
  return o;
}

test("property: changing any character of any signed, logged or proven value makes the audit fail (and never crash)", async () => {
  const w = await journeyWorld();
  try {
    const res = await w.h.get(w.recipient, `/api/v1/warnings/${w.warning.id}/bundle`);
    const bundle = res.json() as Json;
    assert.equal(auditBundle(parseBundle(bundle)).ok, true);
    const b = bundle as Record<string, Json>;
    // Evidence: the records (signed), their leaves, the proofs, the checkpoints, the keys. Party names and
    // exported_at are informative and unsigned; signature `custodial` flags and ids are inside records.
    const paths = [
      ...evidencePaths(b.records!, ["records"]),
      ...evidencePaths(b.inclusion_proofs!, ["inclusion_proofs"]),
      ...evidencePaths(b.consistency_proofs!, ["consistency_proofs"]),
      ...evidencePaths(b.checkpoints!, ["checkpoints"]),
      ...evidencePaths(b.thread_statement!, ["thread_statement"]),
      ...evidencePaths(b.parties!, ["parties"]).filter((p) => p.includes("public_key")),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.nat(), fc.integer({ min: 1, max: 94 }), (path, at, shift) => {
        const old = getAt(bundle, path) as string;
        if (old.length === 0) return;
        const i = at % old.length;
        const c = String.fromCharCode(((old.charCodeAt(i) - 32 + shift) % 95) + 32);
        const changed = old.slice(0, i) + c + old.slice(i + 1);
        let verdict: boolean;
        try {
          verdict = auditBundle(parseBundle(setAt(bundle, path, changed))).ok;
        } catch (e) {
          if (!(e instanceof BundleError)) throw e;
          verdict = false;
        }
        assert.equal(verdict, false, `changing ${path.join(".")}[${i}] to ${JSON.stringify(c)} went unnoticed`);
      }),
      { numRuns: 300 },
    );
    // Type confusion anywhere: a coded BundleError or a report, never a crash.
    const every = allPaths(bundle).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...every), fc.constantFrom<Json>(null, 0, -1, 1.5, "", "x", [], {}, true, [[]], { keys: 1 }), (path, value) => {
        try {
          auditBundle(parseBundle(setAt(bundle, path, value)) as AccountabilityBundle);
        } catch (e) {
          if (!(e instanceof BundleError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  } finally {
    await w.h.close();
  }
});
