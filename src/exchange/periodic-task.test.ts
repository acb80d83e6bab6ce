import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { PeriodicTask } from "./periodic-task.js";

test("a periodic task never runs twice at once, reports a failure and retries at the next tick, and stops", async () => {
  let runs = 0;
  let concurrent = 0;
  let most = 0;
  let fail = true;
  const errors: unknown[] = [];
  const task = new PeriodicTask(async () => {
    concurrent++;
    most = Math.max(most, concurrent);
    runs++;
    await sleep(15);
    concurrent--;
    if (fail) {
      fail = false;
      throw new Error("first run fails");
    }
    return runs;
  }, (e) => errors.push(e));

  // The first run is awaited at start; its failure is reported, not thrown.
  await task.start(5);
  assert.equal(runs, 1);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["first run fails"]);
  // Callers of tick during a run join it.
  const [a, b] = await Promise.all([task.tick(), task.tick()]);
  assert.equal(a, b);
  await sleep(60);
  assert.ok(runs >= 3, `the timer kept ticking (${runs} runs)`);
  assert.equal(most, 1, "never two runs at once");
  task.stop();
  await task.settle();
  const after = runs;
  await sleep(40);
  assert.equal(runs, after, "no run after stop");
});

test("a periodic task started in the background does not wait for its first run; interval 0 runs only on demand", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let runs = 0;
  const task = new PeriodicTask(async () => {
    runs++;
    await gate;
  }, () => assert.fail("no failure expected"));
  await task.start(0, "background");
  assert.equal(runs, 1, "started at once");
  release();
  await task.settle();
  await sleep(20);
  assert.equal(runs, 1, "interval 0: no timer");
  await task.tick();
  assert.equal(runs, 2);
});
