import { test } from "node:test";
import assert from "node:assert/strict";
import { TLP_LEVELS, TlpError, isTlpLevel, isTlpMarking, stricterTlp, tlpLevelOf, tlpMarkingId, tlpRank } from "./index.js";
import type { TlpLevel } from "./index.js";

// The ids, written out literally from the FIRST TLP 2.0 / STIX 2.1 tables.
const V2: ReadonlyArray<readonly [TlpLevel, string]> = [
  ["CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"],
  ["GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
  ["AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
  ["AMBER+STRICT", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"],
  ["RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"],
];
const V1: ReadonlyArray<readonly [TlpLevel, string]> = [
  ["CLEAR", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"], // WHITE
  ["GREEN", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
  ["AMBER", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"],
  ["RED", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"],
];
const STATEMENT = "marking-definition--1bd25494-8cbb-42d5-aa78-e7d332a253d4";

test("TLP_LEVELS is ordered from least to most restrictive", () => {
  assert.deepEqual([...TLP_LEVELS], ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]);
  TLP_LEVELS.forEach((level, i) => assert.equal(tlpRank(level), i));
  assert.ok(Object.isFrozen(TLP_LEVELS));
});

test("tlpMarkingId emits the TLP 2.0 id of each level, and tlpLevelOf reads it back", () => {
  for (const [level, id] of V2) {
    assert.equal(tlpMarkingId(level), id);
    assert.deepEqual(tlpLevelOf([id]), { level, explicit: true });
    assert.ok(isTlpMarking(id));
  }
});

test("TLP 1.0 ids are accepted and mapped to TLP 2.0 (WHITE → CLEAR)", () => {
  for (const [level, id] of V1) {
    assert.deepEqual(tlpLevelOf([id]), { level, explicit: true });
    assert.ok(isTlpMarking(id));
  }
});

test("no TLP marking means AMBER+STRICT, not explicit", () => {
  assert.deepEqual(tlpLevelOf([]), { level: "AMBER+STRICT", explicit: false });
  assert.deepEqual(tlpLevelOf([STATEMENT]), { level: "AMBER+STRICT", explicit: false });
});

test("non-TLP markings are ignored, including home-made 'AMBER+STRICT' ids and near-misses", () => {
  const notTlp = [
    STATEMENT,
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", // another product's pre-2.0 AMBER+STRICT
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c", // truncated RED
    "e828b379-4e03-4974-9ac4-e53a884c97c1", // bare UUID
    "identity--e828b379-4e03-4974-9ac4-e53a884c97c1", // wrong type
    " marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    "",
  ];
  for (const id of notTlp) assert.equal(isTlpMarking(id), false, id);
  assert.deepEqual(tlpLevelOf([STATEMENT, V2[1]![1], "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"]), {
    level: "GREEN",
    explicit: true,
  });
});

test("upper-case ids are recognised, so an upper-case RED never degrades to the unmarked default", () => {
  assert.deepEqual(tlpLevelOf([V2[4]![1].toUpperCase()]), { level: "RED", explicit: true });
  assert.deepEqual(tlpLevelOf([V1[0]![1].toUpperCase()]), { level: "CLEAR", explicit: true });
});

test("several TLP markings: the most restrictive wins, whatever the order or version", () => {
  const cases: ReadonlyArray<readonly [string[], TlpLevel]> = [
    [[V2[1]![1], V2[4]![1]], "RED"], // GREEN + RED
    [[V2[4]![1], V2[1]![1]], "RED"], // RED + GREEN
    [[V1[0]![1], V2[2]![1]], "AMBER"], // 1.0 WHITE + 2.0 AMBER
    [[V2[3]![1], V1[2]![1]], "AMBER+STRICT"], // AMBER+STRICT + 1.0 AMBER
    [[V2[0]![1], V1[1]![1], STATEMENT], "GREEN"], // CLEAR + 1.0 GREEN + statement
    [[V2[0]![1], V1[0]![1]], "CLEAR"], // both CLEARs
    [[V1[3]![1], V2[0]![1]], "RED"], // 1.0 RED + CLEAR
  ];
  for (const [refs, level] of cases) assert.deepEqual(tlpLevelOf(refs), { level, explicit: true }, refs.join(","));
});

test("stricterTlp, isTlpLevel, and a non-level refused", () => {
  assert.equal(stricterTlp("GREEN", "AMBER+STRICT"), "AMBER+STRICT");
  assert.equal(stricterTlp("RED", "CLEAR"), "RED");
  assert.equal(stricterTlp("AMBER", "AMBER"), "AMBER");
  assert.ok(isTlpLevel("AMBER+STRICT"));
  for (const v of ["WHITE", "amber", "TLP:RED", "", undefined, 3]) assert.equal(isTlpLevel(v), false);
  assert.throws(
    () => tlpMarkingId("WHITE" as TlpLevel),
    (e: unknown) => e instanceof TlpError && e.code === "TLP_UNKNOWN_LEVEL",
  );
});
