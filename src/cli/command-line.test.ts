import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "./cli-errors.js";
import { defineCommand, parseCommandLine } from "./command-line.js";

const spec = {
  name: "thing make",
  summary: "Makes a thing.",
  positionals: "NAME",
  options: {
    size: { type: "string", value: "N", help: "how big", required: true },
    dir: { type: "string", value: "DIR", help: "where", env: "TOCSIN_TEST_DIR", default: "./here" },
    tag: { type: "string", value: "T", help: "a tag", multiple: true },
    loud: { type: "boolean", help: "shout" },
  },
} as const;

test("values: given, then the environment, then the default; flags false and lists empty when absent", () => {
  delete process.env.TOCSIN_TEST_DIR;
  assert.deepEqual(parseCommandLine(spec, ["x", "--size", "3"]), { values: { size: "3", dir: "./here", tag: [], loud: false }, positionals: ["x"] });
  process.env.TOCSIN_TEST_DIR = "/env";
  try {
    assert.equal(parseCommandLine(spec, ["--size", "3"]).values.dir, "/env");
    assert.equal(parseCommandLine(spec, ["--size", "3", "--dir", "/flag"]).values.dir, "/flag");
  } finally {
    delete process.env.TOCSIN_TEST_DIR;
  }
  assert.deepEqual(parseCommandLine(spec, ["--size", "3", "--tag", "a", "--tag", "b", "--loud"]).values, { size: "3", dir: "./here", tag: ["a", "b"], loud: true });
});

test("a missing required option, an unknown option, a stray positional: UsageError naming it", () => {
  assert.throws(() => parseCommandLine(spec, []), (e: unknown) => e instanceof UsageError && e.message === "--size N is required");
  assert.throws(() => parseCommandLine(spec, ["--size", "1", "--nope"]), (e: unknown) => e instanceof UsageError && e.message === "Unknown option '--nope'");
  const noPositionals = { ...spec, positionals: undefined };
  assert.throws(() => parseCommandLine(noPositionals, ["--size", "1", "x"]), UsageError);
});

test("--help and -h print the declared options and run nothing", async () => {
  let ran = false;
  const command = defineCommand(spec, () => ((ran = true), 0));
  for (const flag of ["--help", "-h"]) {
    let text = "";
    assert.equal(await command.run(["--bogus", flag], (s) => (text += s)), 0);
    assert.match(text, /^usage: tocsin thing make NAME --size N \[options\]\n\nMakes a thing\.\n/);
    assert.match(text, /\n {2}--size N +how big \(required\)\n/);
    assert.match(text, /\n {2}--dir DIR +where \(env TOCSIN_TEST_DIR; default \.\/here\)\n/);
    assert.match(text, /\n {2}--tag T … +a tag \(repeatable\)\n/);
    assert.match(text, /\n {2}-h, --help +print this help and exit\n$/);
  }
  assert.equal(ran, false);
  // After `--`, "-h" is an argument, not a request for help.
  assert.equal(await command.run(["--size", "1", "--", "-h"], () => undefined), 0);
  assert.equal(ran, true);
});
