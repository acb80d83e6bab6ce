import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { boardCsv, boardToWire, type BoardAnalysis } from "../core/ach/index.js";
import { partyReader, type Reader } from "../core/tlp/index.js";
import type { StoredBoardVersion } from "../exchange/board-versions.js";
import type { PartyRow } from "../exchange/exchange-reads.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { callerOf, readerOf, requireCaller } from "./auth.js";
import { CheckedByService, Decimal, decimal, IgnoredQuery, NoQuery, Params, Query } from "./params.js";

const BoardParams = Params({ board: Type.String() });
const VersionQuery = Query({ version: Type.Optional(Decimal()) });

/**
 * Attribution boards under /api/v1/boards: create, edit (operations), read with scores and flags,
 * history, CSV export, and posting a self-signed version. Reads obey TLP like every record (plus the
 * board's owner and editors); a board the caller may not see is ACH_BOARD_NOT_FOUND. Bodies are
 * checked by the board service, whose ACH_* codes name the field at fault.
 */
export const boardRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (app, { services }) => {
  const boards = services.boards;
  const who = async (request: FastifyRequest): Promise<[Reader, PartyRow | undefined]> => {
    const party = await callerOf(request, services);
    return [readerOf(party), party];
  };
  const version = (v: string | undefined): number | undefined => (v === undefined ? undefined : decimal(v));

  app.post("/api/v1/boards", { schema: { querystring: IgnoredQuery, body: CheckedByService } }, async (request, reply) => {
    const poster = await requireCaller(request, services);
    const saved = await boards.create(poster, request.body);
    return reply.code(201).send(savedView(saved));
  });

  app.get("/api/v1/boards", { schema: { querystring: NoQuery } }, async (request) => {
    const [reader, party] = await who(request);
    return { boards: (await boards.list(reader, party)).map(summaryView) };
  });

  app.get("/api/v1/boards/:board", { schema: { params: BoardParams, querystring: VersionQuery } }, async (request) => {
    const [reader, party] = await who(request);
    const { latest, analysis } = await boards.get(reader, party, request.params.board, version(request.query.version));
    return { ...summaryView(latest), board: boardToWire(latest.version.board), analysis: analysisView(analysis), links: await boards.links(reader, latest) };
  });

  app.get("/api/v1/boards/:board/history", { schema: { params: BoardParams, querystring: NoQuery } }, async (request) => {
    const [reader, party] = await who(request);
    const versions = await boards.history(reader, party, request.params.board);
    return { board_ref: versions[0]!.version.boardRef, versions: versions.map(summaryView) };
  });

  app.get("/api/v1/boards/:board/export.csv", { schema: { params: BoardParams, querystring: VersionQuery } }, async (request, reply) => {
    const [reader, party] = await who(request);
    const { latest, analysis } = await boards.get(reader, party, request.params.board, version(request.query.version));
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${latest.version.board.name}-v${latest.version.version}.csv"`)
      .send(boardCsv(latest.version.board, analysis));
  });

  app.post("/api/v1/boards/:board/edits", { schema: { params: BoardParams, querystring: IgnoredQuery, body: CheckedByService } }, async (request, reply) => {
    const poster = await requireCaller(request, services);
    const saved = await boards.edit(poster, request.params.board, request.body);
    return reply.code(201).send(savedView(saved));
  });

  app.post("/api/v1/boards/:board/versions", { schema: { params: BoardParams, querystring: IgnoredQuery, body: CheckedByService } }, async (request, reply) => {
    const poster = await requireCaller(request, services);
    const named = request.params.board;
    // A board's first version names itself: it cannot be resolved before it is saved.
    const boardRef = await boards.resolve(partyReader(poster.id), poster, named).catch((e: unknown) => {
      if (isTocsinError(e) && e.code === "ACH_BOARD_NOT_FOUND") return named;
      throw e;
    });
    const saved = await boards.submit(poster, request.body, boardRef);
    return reply.code(201).send(savedView(saved));
  });
};

function summaryView(v: StoredBoardVersion) {
  return {
    board_ref: v.version.boardRef,
    name: v.version.board.name,
    title: v.version.board.title,
    version: v.version.version,
    id: v.record.id,
    author: v.record.author,
    modified: v.version.modified,
    logged_at: v.record.loggedAt,
    digest: v.digest,
    index: v.record.logIndex,
    custodial: v.record.custodial,
    ...(v.version.previousRef ? { previous_ref: v.version.previousRef, previous_digest: v.version.previousDigest } : {}),
    ...(v.version.change ? { change: v.version.change } : {}),
  };
}

function savedView(v: StoredBoardVersion) {
  return { ...summaryView(v), record: JSON.parse(v.record.body) as unknown };
}

function analysisView(a: BoardAnalysis) {
  return {
    ranking: a.ranking,
    scores: a.scores,
    flags: a.flags,
    diagnosticity: a.diagnosticity,
    disagreements: a.disagreements,
    bayes: a.bayes,
    linchpins: a.linchpins,
  };
}
