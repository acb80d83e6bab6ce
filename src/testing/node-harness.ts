import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ed25519PublicKey } from "../core/crypto/ed25519.js";
import type { CreatePartyInput } from "../exchange/new-party.js";
import { readSeed } from "../exchange/party-key-files.js";
import { parseConfig, type NodeConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";
import type { Author } from "../client/record-builders.js";

/** A settable clock for tests: deadlines pass when the test says so. */
export class TestClock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestParty extends Author {
  readonly slug: string;
  readonly token: string;
}

/** A real node on a temporary directory (SQLite, or PostgreSQL with `config.db`), with helpers to register parties and call its API. */
export class NodeHarness {
  private constructor(
    readonly node: TocsinNode,
    readonly clock: TestClock,
    readonly dir: string,
  ) {}

  static async start(options: { clock?: TestClock; config?: Partial<NodeConfig> } = {}): Promise<NodeHarness> {
    const dir = mkdtempSync(join(tmpdir(), "tocsin-node-"));
    const clock = options.clock ?? new TestClock(Date.now());
    const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0, checkWorkers: 0, ...options.config }), { clock });
    // A PostgreSQL node sequences once it holds the lease (a no-op on SQLite); nothing forwards to it here.
    await node.startLeadership("http://127.0.0.1:0");
    return new NodeHarness(node, clock, dir);
  }

  async close(): Promise<void> {
    await this.node.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Registers a party; a self-signing party gets its generated key back for signing. */
  async party(slug: string, extra: Partial<CreatePartyInput> = {}): Promise<TestParty> {
    const created = await this.node.registrar.create({ slug, name: slug.toUpperCase(), ...extra });
    if (created.custodial || !created.keyFile) return { id: created.id, slug, token: created.token };
    const seed = readSeed(created.keyFile);
    return { id: created.id, slug, token: created.token, seed, publicKey: ed25519PublicKey(seed) };
  }

  /** POST /api/v1/records as `who` (or with an explicit Authorization header value). */
  async post(who: TestParty | string | undefined, body: unknown, raw?: { payload: string; contentType?: string }) {
    const headers: Record<string, string> = {};
    if (who !== undefined) headers.authorization = typeof who === "string" ? who : `Bearer ${who.token}`;
    if (raw) headers["content-type"] = raw.contentType ?? "application/json";
    return this.node.app.inject({ method: "POST", url: "/api/v1/records", headers, ...(raw ? { payload: raw.payload } : { payload: body as object }) });
  }

  async get(who: TestParty | undefined, url: string) {
    return this.node.app.inject({ method: "GET", url, headers: who ? { authorization: `Bearer ${who.token}` } : {} });
  }

  async logSize(): Promise<number> {
    return this.node.store.logSize();
  }
}
