import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { DEFAULT_CONFIG, parseConfig } from "./config.js";

/*
 * A node's configuration comes from the command line and the environment: every bad value is refused as
 * CONFIG_INVALID naming the field (details.field, and first in the message), never taken or half-taken.
 */

test("the defaults are a valid configuration; given values replace them; digit strings are integers", () => {
  assert.deepEqual(parseConfig({}), { ...DEFAULT_CONFIG, dataDir: resolve(DEFAULT_CONFIG.dataDir) });
  const c = parseConfig({ port: "0", checkWorkers: 3, db: "postgresql://u@h/db", origin: "example.org/log", logLevel: "info", internalAppend: true, advertiseUrl: undefined });
  assert.equal(c.port, 0);
  assert.equal(c.checkWorkers, 3);
  assert.equal(c.db, "postgresql://u@h/db");
  assert.equal(c.origin, "example.org/log");
  assert.equal(c.logLevel, "info");
  assert.equal(c.internalAppend, true);
  assert.equal(c.advertiseUrl, undefined);
  assert.equal(parseConfig({ deliveryTimeoutMs: "1500" }).deliveryTimeoutMs, 1500);
  assert.ok("advertiseUrl" in c && "db" in c && "origin" in c, "every field is present, optional ones as undefined");
});

test("every bad value is CONFIG_INVALID naming the field", () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ port: 70000 }, "port", /^port must be an integer in \[0, 65535\]$/],
    [{ port: "8e3" }, "port", /^port must be an integer/],
    [{ port: "-1" }, "port", /^port must be an integer/],
    [{ port: 1.5 }, "port", /^port must be an integer/],
    [{ leaseTtlMs: 10 }, "leaseTtlMs", /^leaseTtlMs must be an integer in \[500, 600000\]$/],
    [{ checkWorkers: "many" }, "checkWorkers", /^checkWorkers must be an integer/],
    [{ db: "mysql://x" }, "db", /^db must be a postgres:\/\/ or postgresql:\/\/ URL$/],
    [{ advertiseUrl: "ftp://x" }, "advertiseUrl", /^advertiseUrl must be an http\(s\) URL$/],
    [{ origin: "a b" }, "origin", /^origin must be .*no spaces and no '\+'$/],
    [{ origin: "a+b" }, "origin", /^origin must be/],
    [{ host: "" }, "host", /^host must be a non-empty string$/],
    [{ dataDir: 7 }, "dataDir", /^dataDir must be a non-empty string$/],
    [{ internalAppend: "yes" }, "internalAppend", /^internalAppend must be true or false$/],
    [{ logLevel: "loud" }, "logLevel", /^logLevel must be one of silent, fatal, error, warn, info, debug, trace$/],
    [{ deliveryTimeoutMs: 50 }, "deliveryTimeoutMs", /^deliveryTimeoutMs must be an integer in \[100, 600000\]$/],
    [{ deliveryTimeoutMs: "1s" }, "deliveryTimeoutMs", /^deliveryTimeoutMs must be an integer/],
    [{ colour: "red" }, "colour", /^unknown configuration key "colour"$/],
  ];
  for (const [input, field, message] of cases) {
    assert.throws(
      () => parseConfig(input),
      (e: unknown) => {
        const err = e as { code?: string; message: string; details?: { field?: string } };
        assert.equal(err.code, "CONFIG_INVALID", JSON.stringify(input));
        assert.equal(err.details?.field, field, JSON.stringify(input));
        assert.match(err.message, message);
        return true;
      },
    );
  }
});
