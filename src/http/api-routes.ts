import type { FastifyInstance } from "fastify";
import { toBase64, toHex } from "../core/crypto/bytes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { RECIPIENT_STAGES, type RecipientStage } from "../core/lifecycle/index.js";
import { ANONYMOUS_READER, partyReader, type Reader } from "../core/tlp/index.js";
import type { Admission } from "../exchange/admission.js";
import type { PartyDirectory } from "../exchange/party-directory.js";
import type { RecordReader } from "../exchange/record-reader.js";
import type { NoteSigner } from "../core/note/index.js";
import type { LogReader } from "../log/log-reader.js";
import type { WarningList } from "../exchange/warning-list.js";
import type { Store } from "../store/store.js";
import { callerOf, requireCaller } from "./auth.js";
import { integerParam, onlyParams } from "./params.js";

export interface ApiDeps {
  readonly store: Store;
  readonly parties: PartyDirectory;
  readonly admission: Admission;
  readonly records: RecordReader;
  readonly log: LogReader;
  /** The log key: signs the thread statement of each exported bundle. */
  readonly logKey: NoteSigner;
  /** The paged warning list (GET /api/v1/warnings). */
  readonly warnings: WarningList;
}

/** Tocsin's own API under /api/v1: admission of signed records and TLP-enforced reads. */
export function registerApiRoutes(app: FastifyInstance, d: ApiDeps): void {
  const readerOf = async (request: Parameters<typeof callerOf>[0]): Promise<Reader> => {
    const party = await callerOf(request, d.parties);
    return party ? partyReader(party.id) : ANONYMOUS_READER;
  };

  app.post("/api/v1/records", async (request, reply) => {
    const poster = await requireCaller(request, d.parties);
    const objects = recordsOfBody(request.body);
    const admitted = await d.admission.admit(poster, objects);
    const anyNew = admitted.some((a) => !a.duplicate);
    return reply.code(anyNew ? 201 : 200).send({
      records: admitted.map((a) => ({
        id: a.id,
        modified: a.modified,
        kind: a.kind,
        digest: a.digest,
        index: a.index,
        leafHash: a.leafHash || undefined,
        custodial: a.custodial,
        duplicate: a.duplicate,
        ...(a.custodial ? { record: a.record } : {}),
      })),
    });
  });

  app.get("/api/v1/records/:id", async (request) => {
    const q = onlyParams(request.query, ["version"]);
    const record = await d.records.get(await readerOf(request), (request.params as { id: string }).id, q.version as string | undefined);
    return JSON.parse(record.body);
  });

  app.get("/api/v1/records/:id/proof", async (request) => {
    const q = onlyParams(request.query, ["version"]);
    const record = await d.records.get(await readerOf(request), (request.params as { id: string }).id, q.version as string | undefined);
    const checkpoint = await d.log.latestCheckpoint();
    const proof = await d.log.inclusionProof(record.logIndex, checkpoint.size);
    const leaf = await d.log.entry(record.logIndex);
    return {
      id: record.id,
      modified: record.modified,
      digest: toHex(record.digest),
      index: record.logIndex,
      leaf: toBase64(leaf.data),
      leafHash: toHex(leaf.hash),
      checkpoint: checkpoint.note,
      size: proof.size,
      hashes: proof.hashes.map(toHex),
    };
  });

  app.get("/api/v1/warnings", async (request) => {
    const q = onlyParams(request.query, ["recipient", "state", "limit", "next"]);
    const reader = await readerOf(request);
    const recipient = q.recipient === undefined ? undefined : (await d.parties.require(String(q.recipient))).id;
    const state = q.state as string | undefined;
    if (state !== undefined && !(RECIPIENT_STAGES as readonly string[]).includes(state)) {
      throw new TocsinError("HTTP_BAD_PARAMETER", `state must be one of ${RECIPIENT_STAGES.join(", ")}`, { details: { parameter: "state" } });
    }
    const limit = integerParam(q.limit, "limit", { optional: true });
    if (limit === 0) throw new TocsinError("HTTP_BAD_PARAMETER", "limit must be a positive integer", { details: { parameter: "limit" } });
    if (q.next !== undefined && typeof q.next !== "string") {
      throw new TocsinError("HTTP_BAD_PARAMETER", "next is not a token this server issued", { details: { parameter: "next" } });
    }
    return d.warnings.page(reader, { recipient, state: state as RecipientStage | undefined, limit, next: q.next });
  });

  app.get("/api/v1/parties/:id", async (request) => d.parties.identity((request.params as { id: string }).id));
}

/** One STIX object, an array of them, or a STIX bundle. */
function recordsOfBody(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    if (b.type === "bundle") {
      if (!Array.isArray(b.objects)) throw new TocsinError("HTTP_BAD_REQUEST_BODY", "a bundle needs an objects array");
      return b.objects;
    }
    return [body];
  }
  throw new TocsinError("HTTP_BAD_REQUEST_BODY", "the body must be a STIX object, an array of them, or a bundle");
}
