import type { FastifyInstance } from "fastify";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { isStixId } from "../core/record/index.js";
import { PERIODS, type Period } from "../core/scoring/index.js";
import { ANONYMOUS_READER, partyReader, type Reader } from "../core/tlp/index.js";
import { exportBundle } from "../exchange/bundle-export.js";
import { TrackRecords } from "../exchange/track-records.js";
import { warningTimeline } from "../exchange/warning-timeline.js";
import type { ApiDeps } from "./api-routes.js";
import { callerOf } from "./auth.js";
import { integerParam, onlyParams } from "./params.js";

/** Largest number of reliability bins a caller may ask for. */
export const MAX_BINS = 50;

/**
 * Judging by record: a party's track record and a warning's timeline (and, in bundle-routes, its
 * accountability bundle). TLP applies through the RecordReader on every path.
 */
export function registerRecordRoutes(app: FastifyInstance, d: ApiDeps): TrackRecords {
  const trackRecords = new TrackRecords(d.store, d.records, d.admission.states);
  const readerOf = async (request: Parameters<typeof callerOf>[0]): Promise<Reader> => {
    const party = await callerOf(request, d.parties);
    return party ? partyReader(party.id) : ANONYMOUS_READER;
  };

  app.get("/api/v1/parties/:id/track-record", async (request) => {
    const q = onlyParams(request.query, ["period", "bins"]);
    const period = q.period === undefined ? undefined : String(q.period);
    if (period !== undefined && !(PERIODS as readonly string[]).includes(period)) {
      throw new TocsinError("HTTP_BAD_PARAMETER", `period must be one of ${PERIODS.join(", ")}`, { details: { parameter: "period" } });
    }
    const bins = integerParam(q.bins, "bins", { optional: true });
    if (bins !== undefined && (bins < 1 || bins > MAX_BINS)) {
      throw new TocsinError("HTTP_BAD_PARAMETER", `bins must be between 1 and ${MAX_BINS}`, { details: { parameter: "bins" } });
    }
    const reader = await readerOf(request);
    const party = await d.parties.require((request.params as { id: string }).id);
    return trackRecords.trackRecord(reader, party, { ...(period ? { period: period as Period } : {}), ...(bins ? { bins } : {}) });
  });

  app.get("/api/v1/warnings/:id/timeline", async (request) => {
    onlyParams(request.query, []);
    const id = warningIdParam(request.params);
    return warningTimeline(d, await readerOf(request), id);
  });

  app.get("/api/v1/warnings/:id/bundle", async (request) => {
    onlyParams(request.query, []);
    const id = warningIdParam(request.params);
    return exportBundle({ store: d.store, records: d.records, parties: d.parties, log: d.log, logKey: d.logKey }, await readerOf(request), id, new Date());
  });

  return trackRecords;
}

/** The :id of a warning route: a STIX report id, else HTTP_BAD_PARAMETER. */
export function warningIdParam(params: unknown): string {
  const id = (params as { id: string }).id;
  if (!isStixId(id, "report")) throw new TocsinError("HTTP_BAD_PARAMETER", "a warning id is report--<uuid>", { details: { parameter: "id" } });
  return id;
}
