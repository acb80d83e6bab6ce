import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { parseVerifierKey } from "../core/note/index.js";
import { SQLITE_FILE, type StoreLocation } from "../store/open-store.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { nameThisThread, THREAD_NAMES } from "../store/os-thread-name.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { RecordAuditor } from "./audit-records.js";
import { auditRange, type RangeAudit, type RangeRequest } from "./audit-range.js";

/*
 * A worker thread of `log audit` (range-auditors.ts): opens the store itself — read-only for SQLite, one
 * connection for PostgreSQL — and audits the ranges it is given, one at a time, until told to stop.
 */

export interface RangeThreadData {
  readonly at: StoreLocation;
  /** The trusted log key (note verifier key format): checkpoint signatures are checked with it. */
  readonly vkey: string;
  readonly records: boolean;
}

export type RangeThreadRequest = { readonly kind: "range"; readonly req: RangeRequest } | { readonly kind: "close" };
export type RangeThreadReply = { readonly ok: true; readonly audit: RangeAudit } | { readonly ok: false; readonly error: string };

nameThisThread(THREAD_NAMES.audit);
const data = workerData as RangeThreadData;
const port = parentPort!;
const verifier = parseVerifierKey(data.vkey);
const store: Store = data.at.db !== undefined ? await PgStore.open(data.at.db, { poolSize: 1 }) : SqliteStore.open(join(data.at.dataDir, SQLITE_FILE), { readonly: true });
const records = data.records ? new RecordAuditor(store) : undefined;

port.on("message", (message: RangeThreadRequest) => {
  if (message.kind === "close") {
    void store.close().finally(() => port.close());
    return;
  }
  auditRange(store, verifier, message.req, records).then(
    (audit) => port.postMessage({ ok: true, audit } satisfies RangeThreadReply),
    (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies RangeThreadReply),
  );
});
port.postMessage({ ready: true });
