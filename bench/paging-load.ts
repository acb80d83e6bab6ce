/**
 * Child process of the TAXII paging curve (taxii-paging.ts): brings a node's data directory up to
 * `size` signed warnings from one sender to one recipient, appended through the node's sequencer
 * (direct-load.ts), and keeps the parties' tokens and the count in `paging-load.json` beside the
 * database. A child process, so the loading's garbage never counts in the measured node's RSS.
 *
 * IPC: receives {dataDir, size}; answers {type:"done", seconds} or {type:"error", message}.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ed25519PublicKey } from "../src/core/crypto/ed25519.js";
import { readSeed } from "../src/exchange/party-key-files.js";
import { parseConfig } from "../src/node/config.js";
import { openNode } from "../src/node/node.js";
import { buildWarning, type Author } from "../src/client/record-builders.js";
import type { StixObject } from "../src/core/record/index.js";
import { appendDirect } from "./direct-load.js";

export interface PagingData {
  readonly loaded: number;
  readonly now: number;
  readonly sender: { readonly id: string; readonly keyFile: string };
  readonly recipient: { readonly id: string; readonly token: string };
}

export const PAGING_DATA_FILE = "paging-load.json";

export function readPagingData(dataDir: string): PagingData | undefined {
  const file = join(dataDir, PAGING_DATA_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PagingData) : undefined;
}

const DAY = 86_400_000;

/**
 * bench-warning.ts's warning, open for a year: the data is kept between runs (TOCSIN_BENCH_CACHE), and
 * deadlines passing meanwhile would have the node escalate every warning when it opens.
 */
function pagingWarning(author: Author, recipientId: string, i: number, now: number): StixObject {
  return buildWarning(author, {
    at: now,
    name: `Benchmark warning ${i}`,
    description: "An attack on a large public venue is likely within the window.",
    recipients: [recipientId],
    windowStart: now,
    windowEnd: now + 400 * DAY,
    probability: 0.7,
    deadlines: { receipt: now + 365 * DAY, assessment: now + 366 * DAY, action: now + 367 * DAY },
    requestedActions: ["protect large venues"],
    tlp: "AMBER",
  });
}

async function load(dataDir: string, size: number): Promise<number> {
  const started = performance.now();
  const node = await openNode(parseConfig({ dataDir, escalationIntervalMs: 0 }));
  try {
    let data = readPagingData(dataDir);
    if (!data) {
      const s = await node.registrar.create({ slug: "paging-sender", name: "Paging sender" });
      const r = await node.registrar.create({ slug: "paging-recipient", name: "Paging recipient" });
      data = { loaded: 0, now: Date.now(), sender: { id: s.id, keyFile: s.keyFile! }, recipient: { id: r.id, token: r.token } };
    }
    const seed = readSeed(data.sender.keyFile);
    const author = { id: data.sender.id, seed, publicKey: ed25519PublicKey(seed) };
    let loaded = data.loaded;
    while (loaded < size) {
      const n = Math.min(10_000, size - loaded);
      const batch = [];
      for (let i = loaded; i < loaded + n; i++) {
        const obj = pagingWarning(author, data.recipient.id, i, data.now);
        batch.push({ obj, kind: "warning", author, warningRef: obj.id as string });
      }
      await appendDirect(node, batch);
      loaded += n;
      if (loaded % 100_000 === 0) process.stderr.write(`[taxii paging]   loaded ${loaded} (${Math.round(loaded / ((performance.now() - started) / 1000))}/s)\n`);
    }
    writeFileSync(join(dataDir, PAGING_DATA_FILE), JSON.stringify({ ...data, loaded }));
  } finally {
    await node.close();
  }
  return (performance.now() - started) / 1000;
}

if (process.send) {
  process.once("message", (m: { dataDir: string; size: number }) => {
    load(m.dataDir, m.size).then(
      (seconds) => process.send!({ type: "done", seconds }, () => process.exit(0)),
      (e: unknown) => process.send!({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1)),
    );
  });
}
