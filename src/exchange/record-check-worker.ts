/**
 * Worker-thread module of {@link RecordCheckPool} (piscina loads it in each thread): compiles the STIX
 * validator once, when the thread starts, then checks the batches of records the admission sends, so
 * signature checks and schema validation use every core while the main thread serves HTTP and writes
 * the log.
 */
import { nameThisThread, THREAD_NAMES } from "../store/os-thread-name.js";
import { stixValidator } from "./stix-validator.js";
import { checkRecord, type PosterKey, type RecordCheck } from "./record-check.js";

/** One admission's records (or a part of them), with the poster they are checked against. */
export interface CheckJob {
  readonly posterId: string;
  readonly keys: readonly PosterKey[];
  readonly objects: readonly unknown[];
}

/** One task: the jobs of one or more admissions, answered job by job in order. */
export interface CheckRequest {
  readonly jobs: readonly CheckJob[];
}

nameThisThread(THREAD_NAMES.check);
const validator = stixValidator();
const validate = (o: unknown) => validator.assertValidStix(o);

export default function checkJobs(req: CheckRequest): RecordCheck[][] {
  return req.jobs.map((job) => job.objects.map((o) => checkRecord(o, job.posterId, job.keys, validate)));
}
