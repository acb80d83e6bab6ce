import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { createFileOnce } from "./create-file-once.js";

test("createFileOnce: the first caller wins, later ones keep its content, no temporary file is left", () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-once-"));
  try {
    const path = join(dir, "key");
    assert.equal(createFileOnce(path, "first\n"), true);
    assert.equal(createFileOnce(path, "second\n"), false);
    assert.equal(readFileSync(path, "utf8"), "first\n");
    assert.deepEqual(readdirSync(dir), ["key"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("createFileOnce: racing threads never see a partial file; exactly one wins", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-once-race-"));
  try {
    for (let round = 0; round < 20; round++) {
      const path = join(dir, `key-${round}`);
      // Large contents make a half-written file likely to be seen if creation were not atomic.
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => {
          const w = new Worker(
            `const { workerData, parentPort } = require("node:worker_threads");
             import(workerData.module).then(({ createFileOnce }) => {
               const { readFileSync } = require("node:fs");
               const won = createFileOnce(workerData.path, workerData.content);
               parentPort.postMessage({ won, seen: readFileSync(workerData.path, "utf8") });
             });`,
            { eval: true, workerData: { module: new URL("./create-file-once.js", import.meta.url).href, path, content: String(i).repeat(1 << 20) } },
          );
          return new Promise<{ won: boolean; seen: string }>((resolve, reject) => (w.once("message", resolve), w.once("error", reject)));
        }),
      );
      assert.equal(results.filter((r) => r.won).length, 1, "exactly one creator");
      const winner = results.find((r) => r.won)!.seen;
      assert.equal(winner.length, 1 << 20);
      for (const r of results) assert.equal(r.seen, winner, "every thread read the winner's complete content");
    }
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".tmp")).length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
