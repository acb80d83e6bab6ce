import { benchWarning } from "/work/main/dist-test/bench/bench-warning.js";
import { ed25519PublicKey } from "/work/main/dist-test/src/core/crypto/index.js";
import { recordCanonicalForms } from "/work/main/dist-test/src/core/record/index.js";
import { randomBytes } from "node:crypto";
const seed = new Uint8Array(randomBytes(32));
const author = { id: "identity--0b5a4a51-3f41-4e3f-9f61-6f7a2b0f7b11", seed, publicKey: ed25519PublicKey(seed) };
const recs = Array.from({length: 3000}, (_, i) => structuredClone(JSON.parse(JSON.stringify(benchWarning(author, "identity--1b5a4a51-3f41-4e3f-9f61-6f7a2b0f7b11", i, Date.now())))));
let best = Infinity;
for (let k = 0; k < 150; k++) { const c = process.cpuUsage(); for (const r of recs) recordCanonicalForms(r); const u = process.cpuUsage(c); best = Math.min(best, (u.user + u.system) / recs.length); }
console.log("recordCanonicalForms", best.toFixed(2), "µs");
