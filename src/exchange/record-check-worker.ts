/**
 * Worker-thread module of {@link RecordCheckPool} (piscina loads it in each thread): compiles the STIX
 * validator once, when the thread starts, then checks the batches of records the admission sends, so
 * signature checks and schema validation use every core while the main thread serves HTTP and writes
 * the log.
 */
import { stixValidator } from "./stix-validator.js";
import { checkRecord, type PosterKey, type RecordCheck } from "./record-check.js";

export interface CheckRequest {
  readonly posterId: string;
  readonly keys: readonly PosterKey[];
  readonly objects: readonly unknown[];
}

const validator = stixValidator();
const validate = (o: unknown) => validator.assertValidStix(o);

export default function checkBatch(req: CheckRequest): RecordCheck[] {
  return req.objects.map((o) => checkRecord(o, req.posterId, req.keys, validate));
}
