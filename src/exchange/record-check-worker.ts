/**
 * Worker-thread entry of {@link RecordCheckPool}: compiles the STIX validator once, then checks
 * batches of records sent by the admission, so signature checks and schema validation use every core
 * while the main thread serves HTTP and writes the log.
 */
import { parentPort } from "node:worker_threads";
import { stixValidator } from "./stix-validator.js";
import { checkRecord, type PosterKey, type RecordCheck } from "./record-check.js";

export interface CheckRequest {
  readonly id: number;
  readonly posterId: string;
  readonly keys: readonly PosterKey[];
  readonly objects: readonly unknown[];
}

export type CheckReply =
  | { readonly id: number; readonly checks: RecordCheck[] }
  | { readonly id: number; readonly error: string }
  | { readonly id?: undefined; readonly ready: true };

const validator = stixValidator();
const validate = (o: unknown) => validator.assertValidStix(o);
// Compiled: the pool may now count on this worker answering at once.
parentPort!.postMessage({ ready: true });

parentPort!.on("message", (req: CheckRequest) => {
  let reply: CheckReply;
  try {
    reply = { id: req.id, checks: req.objects.map((o) => checkRecord(o, req.posterId, req.keys, validate)) };
  } catch (e) {
    reply = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply);
});
