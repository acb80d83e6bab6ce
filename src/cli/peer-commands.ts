import { isTocsinError } from "../core/errors/tocsin-error.js";
import { deliveryView, type DeliveryView } from "../exchange/federation-service.js";
import { PeerDirectory, type PeerSummary } from "../exchange/peer-directory.js";
import { systemClock } from "../log/system-clock.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation, requireExistingNode } from "./node-options.js";

/** Runs `fn` on the node's store (an existing node), turning coded refusals into one-line usage errors. */
async function withStore<T>(values: { readonly db: string | undefined; readonly data: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  const at = nodeLocation(values);
  requireExistingNode(at);
  const store = await openStore(at, { poolSize: 1 });
  try {
    return await fn(store);
  } catch (e) {
    if (isTocsinError(e)) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  } finally {
    await store.close();
  }
}

async function directory(store: Store): Promise<PeerDirectory> {
  return new PeerDirectory({ store, clock: systemClock, ownOrigin: await store.getMeta("log.origin") });
}

function peerLines(p: PeerSummary): string {
  return [
    `${p.origin}  ${p.url}`,
    `  log key:  ${p.logKey}`,
    `  parties:  ${p.parties.map((x) => x.slug).join(", ") || "(none)"}`,
    `  pinned:   ${p.addedAt}, key history up to checkpoint ${p.checkpointSize} (updated ${p.updatedAt})`,
  ].join("\n");
}

/**
 * `tocsin peer add URL`: pins the node at URL as a peer — its log origin and key, its node party, and the
 * parties it hosts with their logged key histories, every key record proven in its signed checkpoint —
 * or brings a pinned peer up to date (only by extension: same key, the pinned history a prefix, the new
 * checkpoint consistent with the pinned one). A running node sees the change at once.
 */
export const peerAddCommand = defineCommand(
  {
    name: "peer add",
    summary: "Pin a peer node (its log key and its parties' logged keys, proven), or bring a pinned peer up to date.",
    positionals: "URL",
    description: "URL is the peer node's base URL (it answers GET URL/federation/v1/node). Compare the log key printed with the one its operator publishes.",
    options: { data: DATA_OPTION, db: DB_OPTION, json: { type: "boolean", help: "print the peer as JSON" } },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1 || !/^https?:\/\/\S+$/.test(positionals[0]!)) throw new UsageError("peer add takes the peer's URL (http:// or https://)");
    const peer = await withStore(values, async (store) => (await directory(store)).add(positionals[0]!));
    out(values.json ? JSON.stringify(peer) + "\n" : `pinned ${peerLines(peer)}\n`);
    return 0;
  },
);

export const peerListCommand = defineCommand(
  {
    name: "peer list",
    summary: "List the pinned peer nodes: origin, URL, log key, parties.",
    options: { data: DATA_OPTION, db: DB_OPTION, json: { type: "boolean", help: "print the peers as JSON" } },
  },
  async ({ values }, out) => {
    const peers = await withStore(values, async (store) => (await directory(store)).list());
    out(values.json ? JSON.stringify(peers) + "\n" : peers.length === 0 ? "no peers\n" : peers.map(peerLines).join("\n") + "\n");
    return 0;
  },
);

export const peerRemoveCommand = defineCommand(
  {
    name: "peer remove",
    summary: "Forget a peer node (its records already received stay, with their proofs).",
    positionals: "ORIGIN",
    options: { data: DATA_OPTION, db: DB_OPTION },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("peer remove takes the peer's log origin (as `tocsin peer list` shows it)");
    const removed = await withStore(values, async (store) => (await directory(store)).remove(positionals[0]!));
    if (!removed) throw new UsageError(`no peer ${positionals[0]}`);
    out(`removed ${positionals[0]}\n`);
    return 0;
  },
);

function deliveryLine(d: DeliveryView): string {
  const tail = d.state === "failed" ? ` after ${d.attempts} attempt(s): ${d.lastError ?? ""} (next ${d.nextAttempt})` : d.state === "queued" ? "" : ` (${d.attempts} attempt(s))`;
  return `${d.state.padEnd(9)} ${d.kind.padEnd(10)} ${d.recordId} → ${d.peer} inbox-${d.inbox}${tail}`;
}

/** `tocsin deliveries [--warning ID]`: where each delivery to a peer node stands. */
export const deliveriesCommand = defineCommand(
  {
    name: "deliveries",
    summary: "Where each record's delivery to peer nodes stands: queued, delivered, receipted, or failed (last error, attempts).",
    options: {
      data: DATA_OPTION,
      db: DB_OPTION,
      warning: { type: "string", value: "ID", help: "only the deliveries of this warning's thread" },
      limit: { type: "string", value: "N", help: "at most N, newest first (default 100)" },
      json: { type: "boolean", help: "print the deliveries as JSON" },
    },
  },
  async ({ values }, out) => {
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError("--limit must be a positive integer");
    const rows = await withStore(values, async (store) => (await store.deliveries({ warningId: values.warning, limit })).map(deliveryView));
    out(values.json ? JSON.stringify(rows) + "\n" : rows.length === 0 ? "no deliveries\n" : rows.map(deliveryLine).join("\n") + "\n");
    return 0;
  },
);
