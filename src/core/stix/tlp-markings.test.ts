import { test } from "node:test";
import assert from "node:assert/strict";
import {
  TLP_1_0_IDS,
  TLP_1_0_MARKINGS,
  TLP_2_0_EXTENSION_ID,
  TLP_2_0_IDS,
  TLP_2_0_MARKINGS,
  tlp2LabelOf,
  tlpMarkingById,
  type Tlp2Label,
} from "./tlp-markings.js";

test("the TLP 2.0 ids are the ones published by OASIS", () => {
  assert.deepEqual(TLP_2_0_IDS, {
    CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
  });
});

test("TLP:CLEAR is exactly the published object (cti-stix-common-objects tlp-2.0/examples/tlp-clear.json)", () => {
  assert.deepEqual(TLP_2_0_MARKINGS.CLEAR, {
    type: "marking-definition",
    spec_version: "2.1",
    id: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    created: "2022-10-01T00:00:00.000Z",
    name: "TLP:CLEAR",
    extensions: {
      "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": { extension_type: "property-extension", tlp_2_0: "clear" },
    },
  });
  assert.equal(TLP_2_0_MARKINGS["AMBER+STRICT"]["name"], "TLP:AMBER+STRICT");
  assert.deepEqual(TLP_2_0_MARKINGS["AMBER+STRICT"]["extensions"], {
    [TLP_2_0_EXTENSION_ID]: { extension_type: "property-extension", tlp_2_0: "amber+strict" },
  });
  for (const [label, m] of Object.entries(TLP_2_0_MARKINGS)) {
    assert.equal(m.id, TLP_2_0_IDS[label as Tlp2Label]);
    assert.equal("created_by_ref" in m, false); // the published TLP 2.0 objects carry none
  }
});

test("TLP 1.0 objects are those of STIX 2.1 §7.2.1.4", () => {
  assert.deepEqual(TLP_1_0_MARKINGS.WHITE, {
    type: "marking-definition",
    spec_version: "2.1",
    id: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    created: "2017-01-20T00:00:00.000Z",
    definition_type: "tlp",
    name: "TLP:WHITE",
    definition: { tlp: "white" },
  });
  assert.equal(TLP_1_0_MARKINGS.GREEN.id, "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da");
  assert.equal(TLP_1_0_MARKINGS.AMBER.id, "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82");
  assert.deepEqual(TLP_1_0_MARKINGS.RED["definition"], { tlp: "red" });
  assert.equal(TLP_1_0_MARKINGS.RED.id, "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed");
});

test("tlp2LabelOf maps 2.0 ids to their label and 1.0 ids to the 2.0 label", () => {
  for (const [label, markingId] of Object.entries(TLP_2_0_IDS)) assert.equal(tlp2LabelOf(markingId), label);
  assert.equal(tlp2LabelOf(TLP_1_0_IDS.WHITE), "CLEAR");
  assert.equal(tlp2LabelOf(TLP_1_0_IDS.GREEN), "GREEN");
  assert.equal(tlp2LabelOf(TLP_1_0_IDS.AMBER), "AMBER");
  assert.equal(tlp2LabelOf(TLP_1_0_IDS.RED), "RED");
  assert.equal(tlp2LabelOf(TLP_1_0_IDS.RED.toUpperCase().replace("MARKING-DEFINITION", "marking-definition")), "RED");
  assert.equal(tlp2LabelOf("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec"), undefined);
  assert.equal(tlpMarkingById(TLP_1_0_IDS.WHITE), TLP_1_0_MARKINGS.WHITE);
  assert.equal(tlpMarkingById("identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"), undefined);
});

test("the marking objects are deeply frozen", () => {
  assert.ok(Object.isFrozen(TLP_2_0_MARKINGS.RED));
  assert.ok(Object.isFrozen(TLP_2_0_MARKINGS.RED["extensions"]));
  assert.ok(Object.isFrozen(TLP_1_0_MARKINGS.RED["definition"]));
  assert.throws(() => {
    (TLP_2_0_MARKINGS.RED as unknown as { name: string }).name = "TLP:CLEAR";
  }, TypeError);
});
