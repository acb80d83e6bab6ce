import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../store/open-store.js";
import { parseConfig } from "./config.js";
import { openNode } from "./node.js";

/** A data directory whose `keys` is a file: the node's own party key cannot be written there. */
function dataDirWithoutRoomForKeys(): string {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-open-node-"));
  writeFileSync(join(dir, "keys"), "not a directory");
  return dir;
}

const configIn = (dir: string) => parseConfig({ dataDir: dir, checkWorkers: 0, escalationIntervalMs: 0 });

test("a node that fails to open after it started sequencing gives the lease back", async () => {
  const dir = dataDirWithoutRoomForKeys();
  try {
    await assert.rejects(openNode(configIn(dir)));
    const store = await openStore({ dataDir: dir });
    try {
      const lease = await store.currentLease();
      assert.ok(lease === undefined || lease.expiresAt <= Date.now(), `the lease is still held: ${JSON.stringify(lease)}`);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a node whose party key could not be written opens once it can: its party is not stored without its key", async () => {
  const dir = dataDirWithoutRoomForKeys();
  try {
    await assert.rejects(openNode(configIn(dir)));
    rmSync(join(dir, "keys"));
    const node = await openNode(configIn(dir));
    try {
      assert.equal((await node.parties.custodialKey((await node.parties.require("node")).id)).seed.length, 32);
      assert.equal(await node.parties.unregistered(), 0, "the node's own registration is logged");
    } finally {
      await node.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
