import assert from "node:assert/strict";
import { parseRule, ruleById, RULES } from "./rules.ts";
import { VIEW_DEFAULTS } from "../queries/session_views.ts";

Deno.test("RULES carry their metadata and thresholds", async (t) => {
  await t.step("ids, titles, ATT&CK ids, descriptions, SQL", () => {
    assert.deepEqual(RULES.map((r) => r.id), [
      "web-identity-multi-control-plane",
      "web-identity-lateral-movement",
    ]);
    for (const r of RULES) {
      assert.ok(r.title.length > 20 && r.description.length > 100 && r.falsePositives.length > 50);
      assert.ok(r.attack.length > 0 && r.attack.every((a) => /^T\d{4}(\.\d{3})?$/.test(a)), r.id);
      assert.ok(r.sql.startsWith("-- id: " + r.id));
      assert.ok(!r.description.includes("--"), r.id);
    }
  });

  await t.step("thresholds match the defaults the SQL reads", () => {
    assert.deepEqual(ruleById("web-identity-lateral-movement").thresholds, [
      { name: "minActions", default: VIEW_DEFAULTS.hunt_min_actions, flag: "--min-actions" },
      { name: "windowMinutes", default: VIEW_DEFAULTS.hunt_window_minutes, flag: "--window" },
    ]);
    assert.deepEqual(ruleById("web-identity-multi-control-plane").thresholds, [
      {
        name: "minControlPlaneActions",
        default: VIEW_DEFAULTS.hunt_min_control_plane,
        flag: "--min-control-plane",
      },
    ]);
  });

  await t.step("a header without a required field is refused", () => {
    assert.throws(() => parseRule("-- id: x\n-- title: t\nSELECT 1", "x.sql"), SyntaxError);
    assert.throws(() => ruleById("nope"), RangeError);
  });
});
