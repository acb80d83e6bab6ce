import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { buildWarning } from "../client/record-builders.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";
import { THREAD_NAMES } from "./os-thread-name.js";

/*
 * A node's threads carry their names where an operator looks (`top -H`, `ps -L`, perf): the append
 * thread and each check worker, read back from /proc as those tools read them.
 */

const linux = existsSync("/proc/thread-self/comm");

/** The OS names of this process's threads. */
function threadNames(): string[] {
  const out: string[] = [];
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      out.push(readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim());
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

test("a node's append thread and check workers name themselves", { skip: !linux && "no /proc/thread-self (not Linux)" }, async () => {
  const T0 = Date.parse("2025-03-01T00:00:00.000Z");
  const h = await NodeHarness.start({ clock: new TestClock(T0 + 1000), config: { checkWorkers: 2 } });
  try {
    const a = await h.party("alpha");
    const b = await h.party("bravo");
    const w = buildWarning(a, { at: T0, name: "named threads", recipients: [b.id], windowStart: T0, windowEnd: T0 + 86_400_000, probability: 0.6 });
    assert.equal((await h.post(a, w)).statusCode, 201);
    const names = threadNames();
    assert.equal(names.filter((n) => n === THREAD_NAMES.check).length, 2, names.join(", "));
    assert.equal(names.filter((n) => n === THREAD_NAMES.append).length, 1, names.join(", "));
    // The main thread keeps its own name.
    assert.equal(readFileSync(`/proc/self/task/${process.pid}/comm`, "utf8").trim(), "node");
  } finally {
    await h.close();
  }
});

test("a name is cut to the 15 bytes Linux keeps, and names only the thread that asks", { skip: !linux && "no /proc/thread-self (not Linux)" }, async () => {
  const module = new URL("./os-thread-name.js", import.meta.url).href;
  const worker = new Worker(
    // The worker stays alive (listening) until the parent has read its name: a worker whose script
    // has run out ends, and its /proc entry with it.
    `import(${JSON.stringify(module)}).then(({ nameThisThread }) => { nameThisThread("tocsin-a-very-long-name"); const { parentPort } = require("node:worker_threads"); parentPort.once("message", () => parentPort.close()); parentPort.postMessage(require("node:fs").readlinkSync("/proc/thread-self")); });`,
    { eval: true },
  );
  const at = await new Promise<string>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const tid = at.split("/").pop()!;
  assert.equal(readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim(), "tocsin-a-very-l");
  assert.equal(readFileSync(`/proc/self/task/${process.pid}/comm`, "utf8").trim(), "node");
  const ended = new Promise((resolve) => worker.once("exit", resolve));
  worker.postMessage("done");
  await ended;
});
