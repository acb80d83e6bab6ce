/**
 * A TAXII reader in a worker thread or a child process (the other core, like a separate client
 * process): pages through a collection's objects with `limit`, following `next` while `more`, and
 * reports per-request latency.
 *
 * It reads as a streaming client would: the envelope begins with `more` and `next`, so the request
 * for the next page goes out as soon as those first bytes arrive, on a second keep-alive connection,
 * while this page's body is still being read and parsed. The node then serves page n + 1 while the
 * client parses page n, and the rate measures the node rather than the node and the client one after
 * the other. What the client does with a page is kept small, as a load generator's should be (a full
 * `JSON.parse` of every page cost it more CPU than serving the page cost the node): every object's
 * id is found in the bytes (`"id":"` occurs once in a STIX object's canonical JSON: `key_id`,
 * `external_id` and escaped text do not match it) and counted; one page in PARSE_EVERY is kept and,
 * once the clock has stopped, parsed whole and must agree — its ids, `more` and `next` — so a page that
 * is not the envelope expected fails the run. The check is not timed: parsed in the run, one 1.4 MB page
 * in 32 cost the client more CPU than scanning the other 31, and while it parsed it neither asked for
 * the next page nor left the other core to the node (100 000 objects, same build, alternated: 0.405 and
 * 0.437× with the parse in the run, 0.665 and 0.669× without). Through node:http, not fetch (see
 * keep-alive-post.ts).
 *
 * As a worker: workerData = PageSpec; posts back {type:"done", seconds, objects, latenciesMs} or
 * {type:"error"}. As a child process (`fork`, so the node's RSS is measured without the client's
 * memory): the first IPC message is the PageSpec, the answer goes back the same way.
 */
import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

export interface PageSpec {
  /** The objects URL of the collection, ending in /objects/. */
  readonly url: string;
  readonly limit: number;
  readonly headers: Record<string, string>;
  /** Times through the whole collection (default 1): a small collection is paged several times so its percentiles rest on enough pages. */
  readonly laps?: number;
}

export type PageMessage =
  | {
      readonly type: "done";
      readonly seconds: number;
      readonly objects: number;
      readonly distinct: number;
      readonly bytes: number;
      readonly latenciesMs: number[];
      /** The client's own CPU (requests, reading and parsing the pages), µs. */
      readonly cpuUs: number;
    }
  | { readonly type: "error"; readonly message: string };

/**
 * One page in this many is parsed whole and checked against the scan, counted over the whole run (the
 * first page included). Counted per lap, a 10-page collection paged 10 times had 1 page in 10 parsed
 * (the same first page each lap), ≈ 0.5 µs of client CPU an object more at 10 000 than at 100 000.
 */
const PARSE_EVERY = 32;
/**
 * A top-level id's key as it is written: `"id"` after another member, or first in its object (an SCO
 * may have no key sorting before `id`). Two 7-byte needles, not `id":"` checked for a quote before it:
 * Buffer#indexOf finds a 5-byte needle by looking for its first byte and stops at each of the ≈ 57 `i`s
 * of an object, while it skips ahead through a longer one (0.6 against 0.85–1.1 µs an object over the
 * pages of the 10 000-object store; `"id":"`, starting with JSON's commonest byte, 1.2). An id's key
 * inside a string cannot match: quotes are escaped there.
 */
const AFTER_MEMBER = Buffer.from(',"id":"');
const FIRST_MEMBER = Buffer.from('{"id":"');
const NEEDLE_LENGTH = 7;
const QUOTE = 0x22;

/** The top-level ids of an envelope's objects, in order, read from its bytes without parsing them. */
function scanIds(body: Buffer): string[] {
  const ids: string[] = [];
  let after = body.indexOf(AFTER_MEMBER);
  let first = body.indexOf(FIRST_MEMBER);
  while (after >= 0 || first >= 0) {
    const isAfter = first < 0 || (after >= 0 && after < first);
    const start = (isAfter ? after : first) + NEEDLE_LENGTH;
    const end = body.indexOf(QUOTE, start);
    ids.push(body.toString("latin1", start, end));
    if (isAfter) after = body.indexOf(AFTER_MEMBER, end);
    else first = body.indexOf(FIRST_MEMBER, end);
  }
  return ids;
}

interface Head {
  readonly more: boolean;
  readonly next: string | undefined;
}

interface PageRequest {
  /** `more` and `next`, as soon as the envelope's first bytes say them (else at the end of the body). */
  readonly head: Promise<Head>;
  readonly done: Promise<{ readonly status: number; readonly body: Buffer; readonly ms: number }>;
}

/** The envelope's opening, as the node writes it: `{"more":true,"next":"…"` (next only when more). */
const HEAD = /^\{"more":(true|false)(?:,"next":("(?:[^"\\]|\\.)*"))?[,}]/;

function getPage(url: URL, agent: Agent, headers: Record<string, string>): PageRequest {
  let headFound: (h: Head) => void = () => undefined;
  const head = new Promise<Head>((resolve) => (headFound = resolve));
  const sent = performance.now();
  const done = new Promise<{ status: number; body: Buffer; ms: number }>((resolve, reject) => {
    // A failed page settles its head too (as the last page), so the reader is not left awaiting it.
    const fail = (e: Error) => {
      headFound({ more: false, next: undefined });
      reject(e);
    };
    const req = request(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let known = res.statusCode !== 200;
      if (known) headFound({ more: false, next: undefined });
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        if (known) return;
        const m = HEAD.exec((chunks.length === 1 ? c : Buffer.concat(chunks)).toString("utf8", 0, 4096));
        if (m) {
          known = true;
          headFound({ more: m[1] === "true", next: m[2] === undefined ? undefined : (JSON.parse(m[2]) as string) });
        }
      });
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        if (!known) {
          // Not the expected opening: fall back to the parsed envelope (the client then pages in series).
          const page = JSON.parse(body.toString("utf8")) as { more?: boolean; next?: string };
          headFound({ more: page.more === true, next: page.next });
        }
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - sent });
      });
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
  return { head, done };
}

async function run(spec: PageSpec): Promise<PageMessage> {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const latenciesMs: number[] = [];
  const ids = new Set<string>();
  const sampled: SampledPage[] = [];
  let pages = 0;
  let objects = 0;
  let bytes = 0;
  const pageUrl = (next?: string) => new URL(`${spec.url}?limit=${spec.limit}${next === undefined ? "" : `&next=${encodeURIComponent(next)}`}`);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    for (let lap = 0; lap < (spec.laps ?? 1); lap++) {
      let current = getPage(pageUrl(), agent, spec.headers);
      for (;;) {
        const head = await current.head;
        const following = head.more ? getPage(pageUrl(head.next), agent, spec.headers) : undefined;
        // Awaited below; if this page fails first, its rejection must not end the process unreported.
        following?.done.catch(() => undefined);
        const { status, body, ms } = await current.done;
        latenciesMs.push(ms);
        if (status !== 200) throw new Error(`HTTP ${status}: ${body.toString("utf8", 0, 300)}`);
        bytes += body.length;
        const pageIds = scanIds(body);
        if (pages++ % PARSE_EVERY === 0) sampled.push({ body, head, ids: pageIds });
        for (const id of pageIds) ids.add(id);
        objects += pageIds.length;
        if (!following) break;
        current = following;
      }
    }
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const page of sampled) checkSampled(page);
  return { type: "done", seconds, objects, distinct: ids.size, bytes, latenciesMs, cpuUs: cpu.user + cpu.system };
}

/** A page kept for the check after the clock: its bytes, what its opening said, the ids found in it. */
interface SampledPage {
  readonly body: Buffer;
  readonly head: Head;
  readonly ids: readonly string[];
}

/** A sampled page parsed whole must agree with what the run took from its bytes; throws if not. */
function checkSampled({ body, head, ids }: SampledPage): void {
  const page = JSON.parse(body.toString("utf8")) as { more?: boolean; next?: string; objects?: { id: string }[] };
  const parsed = (page.objects ?? []).map((o) => o.id);
  if ((page.more === true) !== head.more || page.next !== head.next) throw new Error("the envelope's more/next differ from its opening bytes");
  if (parsed.join() !== ids.join()) throw new Error("the ids found in the page's bytes differ from its parsed objects'");
}

const failed = (e: unknown): PageMessage => ({ type: "error", message: e instanceof Error ? e.message : String(e) });
if (parentPort) {
  run(workerData as PageSpec).then(
    (m) => parentPort!.postMessage(m),
    (e: unknown) => parentPort!.postMessage(failed(e)),
  );
} else if (process.send) {
  process.once("message", (spec: PageSpec) => {
    run(spec).then(
      (m) => process.send!(m, () => process.exit(0)),
      (e: unknown) => process.send!(failed(e), () => process.exit(0)),
    );
  });
}
