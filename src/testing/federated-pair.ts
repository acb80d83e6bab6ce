import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { formatVerifierKey, parseSignerKey, verifierFromSigner } from "../core/note/index.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type ServedNode, type TocsinProcesses } from "./tocsin-processes.js";

export interface PairParty {
  readonly id: string;
  readonly token: string;
}

/** One node of a federated pair: its data directory, port, URL, and a way to (re)start it. */
export interface PairNode {
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  origin: string;
  served: ServedNode;
  start(): Promise<ServedNode>;
}

/**
 * Two `tocsin serve` nodes on loopback that pin each other (`tocsin peer add`): A hosts the custodial
 * party alice, B the custodial party bob. `peerUrl` lets a test put something between them (a proxy
 * that can partition them): each node pins the other at `peerUrl(theOther)`.
 */
export async function federatedPair(
  procs: TocsinProcesses,
  options: {
    readonly peerUrl?: (node: "a" | "b", url: string) => Promise<string>;
    readonly extraParties?: { readonly a?: readonly string[] };
    /** Each node witnesses both logs (its own and the other's), and each log requires both cosignatures (2 of 2). */
    readonly witnessEachOther?: boolean;
    /** More `tocsin serve` options for both nodes. */
    readonly serveArgs?: readonly string[];
  } = {},
): Promise<{ a: PairNode; b: PairNode; alice: PairParty; bob: PairParty; others: Record<string, PairParty>; witnessKeys: string[] }> {
  const dirA = procs.track(mkdtempSync(join(tmpdir(), "tocsin-fed-a-")));
  const dirB = procs.track(mkdtempSync(join(tmpdir(), "tocsin-fed-b-")));
  const [alice, bob] = await Promise.all([
    procs.ok(["party", "create", "alice", "--name", "Alice", "--custodial", "--data", dirA]).then((s) => JSON.parse(s) as PairParty),
    procs.ok(["party", "create", "bob", "--name", "Bob", "--custodial", "--data", dirB]).then((s) => JSON.parse(s) as PairParty),
  ]);
  const others: Record<string, PairParty> = {};
  for (const slug of options.extraParties?.a ?? []) others[slug] = JSON.parse(await procs.ok(["party", "create", slug, "--name", slug, "--custodial", "--data", dirA])) as PairParty;
  const [portA, portB] = [await freePort(), await freePort()];
  const witnessArgs: string[] = [];
  const witnessKeys: string[] = [];
  if (options.witnessEachOther) {
    const logKey = (dir: string) => formatVerifierKey(verifierFromSigner(parseSignerKey(readFileSync(join(dir, "log.key"), "utf8").trim())));
    const [logA, logB] = [logKey(dirA), logKey(dirB)];
    const [wA, wB] = await Promise.all([procs.ok(["witness", "key", "--data", dirA]), procs.ok(["witness", "key", "--data", dirB])]);
    witnessKeys.push(wA.trim(), wB.trim());
    for (const dir of [dirA, dirB]) for (const vkey of [logA, logB]) await procs.ok(["witness", "add-log", vkey.split("+")[0]!, vkey, "--data", dir]);
    witnessArgs.push("--witness", `http://127.0.0.1:${portA}/witness=${witnessKeys[0]}`, "--witness", `http://127.0.0.1:${portB}/witness=${witnessKeys[1]}`, "--witness-quorum", "2", "--witness-interval", "100");
  }
  const node = async (dir: string, port: number): Promise<PairNode> => {
    const n: PairNode = {
      dir,
      port,
      url: `http://127.0.0.1:${port}`,
      origin: "",
      served: undefined as unknown as ServedNode,
      start: async () => (n.served = await procs.serve(["--data", dir, "--port", String(port), "--outbox-interval", "50", "--delivery-backoff-cap", "400", ...witnessArgs, ...(options.serveArgs ?? [])])),
    };
    return n;
  };
  const a = await node(dirA, portA);
  const b = await node(dirB, portB);
  await Promise.all([a.start(), b.start()]);
  const via = options.peerUrl ?? (async (_n, url) => url);
  const [urlOfB, urlOfA] = [await via("b", b.url), await via("a", a.url)];
  const [pinnedB, pinnedA] = await Promise.all([procs.ok(["peer", "add", urlOfB, "--data", a.dir, "--json"]), procs.ok(["peer", "add", urlOfA, "--data", b.dir, "--json"])]);
  b.origin = (JSON.parse(pinnedB) as { origin: string }).origin;
  a.origin = (JSON.parse(pinnedA) as { origin: string }).origin;
  assert.notEqual(a.origin, b.origin);
  return { a, b, alice, bob, others, witnessKeys };
}

export async function getJson(url: string, token?: string): Promise<any> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function postRecord(url: string, token: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}/api/v1/records`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(res.status, 201, await res.text());
}

/** The state of the delivery of a warning (its first version) to the peer, as A's API shows it. */
export async function deliveryOf(url: string, token: string, warningId: string, kind = "warning"): Promise<{ state: string; attempts: number; lastError?: string } | undefined> {
  const d = await getJson(`${url}/api/v1/warnings/${warningId}/deliveries`, token);
  return (d.deliveries as { kind: string; state: string; attempts: number; lastError?: string }[]).find((x) => x.kind === kind);
}
