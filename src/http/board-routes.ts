import type { FastifyInstance, FastifyRequest } from "fastify";
import { boardCsv, boardToWire, type BoardAnalysis } from "../core/ach/index.js";
import { ANONYMOUS_READER, partyReader, type Reader } from "../core/tlp/index.js";
import type { BoardService } from "../exchange/board-service.js";
import type { StoredBoardVersion } from "../exchange/board-versions.js";
import type { PartyDirectory } from "../exchange/party-directory.js";
import type { PartyRow } from "../store/store.js";
import { callerOf, requireCaller } from "./auth.js";
import { integerParam, onlyParams } from "./params.js";

/**
 * Attribution boards under /api/v1/boards: create, edit (operations), read with scores and flags,
 * history, CSV export, and posting a self-signed version. Reads obey TLP like every record (plus the
 * board's owner and editors); a board the caller may not see is ACH_BOARD_NOT_FOUND.
 */
export function registerBoardRoutes(app: FastifyInstance, boards: BoardService, parties: PartyDirectory): void {
  const who = async (request: FastifyRequest): Promise<[Reader, PartyRow | undefined]> => {
    const party = await callerOf(request, parties);
    return [party ? partyReader(party.id) : ANONYMOUS_READER, party];
  };
  const boardParam = (request: FastifyRequest): string => (request.params as { board: string }).board;

  app.post("/api/v1/boards", async (request, reply) => {
    const poster = await requireCaller(request, parties);
    const saved = await boards.create(poster, request.body);
    return reply.code(201).send(savedView(saved));
  });

  app.get("/api/v1/boards", async (request) => {
    onlyParams(request.query, []);
    const [reader, party] = await who(request);
    return { boards: (await boards.list(reader, party)).map(summaryView) };
  });

  app.get("/api/v1/boards/:board", async (request) => {
    const q = onlyParams(request.query, ["version"]);
    const [reader, party] = await who(request);
    const { latest, analysis } = await boards.get(reader, party, boardParam(request), integerParam(q.version, "version", { optional: true }));
    return { ...summaryView(latest), board: boardToWire(latest.version.board), analysis: analysisView(analysis), links: await boards.links(reader, latest) };
  });

  app.get("/api/v1/boards/:board/history", async (request) => {
    onlyParams(request.query, []);
    const [reader, party] = await who(request);
    const versions = await boards.history(reader, party, boardParam(request));
    return { board_ref: versions[0]!.version.boardRef, versions: versions.map(summaryView) };
  });

  app.get("/api/v1/boards/:board/export.csv", async (request, reply) => {
    const q = onlyParams(request.query, ["version"]);
    const [reader, party] = await who(request);
    const { latest, analysis } = await boards.get(reader, party, boardParam(request), integerParam(q.version, "version", { optional: true }));
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${latest.version.board.name}-v${latest.version.version}.csv"`)
      .send(boardCsv(latest.version.board, analysis));
  });

  app.post("/api/v1/boards/:board/edits", async (request, reply) => {
    const poster = await requireCaller(request, parties);
    const saved = await boards.edit(poster, boardParam(request), request.body);
    return reply.code(201).send(savedView(saved));
  });

  app.post("/api/v1/boards/:board/versions", async (request, reply) => {
    const poster = await requireCaller(request, parties);
    // A board's first version names itself: it cannot be resolved before it is saved.
    const boardRef = await boards.resolve(partyReader(poster.id), poster, boardParam(request)).catch((e: unknown) => {
      if ((e as { code?: string }).code === "ACH_BOARD_NOT_FOUND") return boardParam(request);
      throw e;
    });
    const saved = await boards.submit(poster, request.body, boardRef);
    return reply.code(201).send(savedView(saved));
  });
}

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
