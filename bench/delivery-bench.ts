/**
 * `npm run bench -- network`, delivery rows: two nodes on this machine (each a full node in this
 * process, on loopback HTTP, SQLite in its own directory) that pin each other; a custodial party on A
 * warns a party on B, and A's outbox delivers each warning to B's TAXII inbox, where B verifies it
 * (pinned key, key history, origin proof) and logs it.
 *
 * - Latency: warnings posted one every 20 ms; each one's delivery latency is B's log time minus A's log
 *   time of the same record (one clock): p50 and p99. Target p99 < 1 s.
 * - Throughput: a burst of warnings posted at once (batches of 100); records delivered per second from
 *   the first post until B has logged the last.
 *
 * The baseline, measured in the same run: one record admitted over HTTP on A alone (POST
 * /api/v1/records, one warning, round trip) — p50 for the latency rows, sequential records/s for the
 * throughput row. Delivery costs at least one such admission on B plus one on A. Rows go to
 * bench/out/network.json (the witness rows of the same benchmark are another stage). TOCSIN_BENCH_SCALE
 * scales the counts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../src/node/config.js";
import { openNode, type TocsinNode } from "../src/node/node.js";
import { benchWarning } from "./bench-warning.js";
import { percentile, report, type Row } from "./report.js";

const scale = Number(process.env.TOCSIN_BENCH_SCALE ?? "1");

async function nodeAt(dir: string): Promise<{ node: TocsinNode; url: string }> {
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0, checkWorkers: 0, outboxIntervalMs: 50, deliveryBackoffCapMs: 1000 }));
  await node.warmUp();
  const url = await node.app.listen({ host: "127.0.0.1", port: 0 });
  return { node, url };
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The delivery rows (a stage of the network benchmark). */
export async function deliveryRows(): Promise<Row[]> {
  const dirs = [mkdtempSync(join(tmpdir(), "tocsin-bench-net-a-")), mkdtempSync(join(tmpdir(), "tocsin-bench-net-b-"))];
  const a = await nodeAt(dirs[0]!);
  const b = await nodeAt(dirs[1]!);
  const rows: Row[] = [];
  try {
    const sender = await a.node.registrar.create({ slug: "sender", name: "Sender", custodial: true });
    const local = await a.node.registrar.create({ slug: "local", name: "Local recipient", custodial: true });
    const recipient = await b.node.registrar.create({ slug: "recipient", name: "Recipient", custodial: true });
    await a.node.peers.add(b.url);
    await b.node.peers.add(a.url);
    const post = async (objects: unknown[]) => {
      const res = await fetch(`${a.url}/api/v1/records`, { method: "POST", headers: { authorization: `Bearer ${sender.token}`, "content-type": "application/json" }, body: JSON.stringify(objects) });
      if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    };
    const now = Date.now();
    let n = 0;

    // Baseline: one warning admitted on A alone (to a party on A: nothing to deliver), round trip.
    const baseLat: number[] = [];
    const baseCount = Math.round(200 * scale);
    const baseStart = performance.now();
    for (let i = 0; i < baseCount; i++) {
      const t = performance.now();
      await post([benchWarning({ id: sender.id }, local.id, n++, now)]);
      baseLat.push(performance.now() - t);
    }
    const baseRate = baseCount / ((performance.now() - baseStart) / 1000);
    baseLat.sort((x, y) => x - y);
    const baseP50 = percentile(baseLat, 50);
    const latencyBaseline = `one record admitted over HTTP on one node, p50: ${baseP50.toFixed(2)} ms`;
    const rateBaseline = `records admitted over HTTP on one node, one at a time: ${baseRate.toFixed(0)}/s`;

    // Latency: one warning every 20 ms to B's party; each delivered record's B log time − A log time.
    const count = Math.round(300 * scale);
    const before = await b.node.store.logSize();
    process.stderr.write(`latency: ${count} warnings, one every 20 ms …\n`);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const w = benchWarning({ id: sender.id }, recipient.id, n++, now);
      ids.push(String(w.id));
      await post([w]);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor("every warning delivered", async () => (await b.node.store.logSize()) >= before + count, 120_000);
    const lat: number[] = [];
    for (const id of ids) {
      const [atA] = await a.node.store.recordVersions(id);
      const [atB] = await b.node.store.recordVersions(id);
      if (!atA || !atB) throw new Error(`${id} not on both nodes`);
      lat.push(Date.parse(atB.loggedAt) - Date.parse(atA.loggedAt));
    }
    lat.sort((x, y) => x - y);
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    process.stderr.write(`  p50 ${p50} ms, p99 ${p99} ms\n`);
    rows.push({ name: `node-to-node delivery latency p50 (${count} warnings, 1 per 20 ms)`, value: p50, unit: "ms", baseline: latencyBaseline, ratio: p50 / baseP50 });
    rows.push({ name: "node-to-node delivery latency p99", value: p99, unit: "ms", baseline: latencyBaseline, ratio: p99 / baseP50, target: "< 1 000 ms" });

    // Throughput: a burst, posted in batches of 100; delivered records per second until the last is logged on B.
    const burst = Math.round(2000 * scale);
    const start = await b.node.store.logSize();
    process.stderr.write(`throughput: a burst of ${burst} warnings …\n`);
    const t0 = performance.now();
    for (let i = 0; i < burst; i += 100) {
      await post(Array.from({ length: Math.min(100, burst - i) }, () => benchWarning({ id: sender.id }, recipient.id, n++, now)));
    }
    await waitFor("the burst delivered", async () => (await b.node.store.logSize()) >= start + burst, 600_000);
    const rate = burst / ((performance.now() - t0) / 1000);
    process.stderr.write(`  ${rate.toFixed(0)} records/s\n`);
    rows.push({ name: `node-to-node delivery throughput (burst of ${burst})`, value: rate, unit: "records/s", baseline: rateBaseline, ratio: rate / baseRate });
    rows.push({ name: "one-node admission over HTTP, one at a time (baseline)", value: baseRate, unit: "records/s", baseline: rateBaseline, ratio: 1 });
  } finally {
    await a.node.close();
    await b.node.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return rows;
}
