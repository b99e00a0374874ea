import assert from "node:assert/strict";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Ajv2020 } from "ajv/dist/2020.js";
import { withTempDir } from "../tests/_helpers.ts";
import { ingest } from "../ingest/ingest.ts";
import { hunt } from "../hunt/hunt.ts";
import { exportSigma } from "./export_sigma.ts";
import { parseSigma } from "./parse_sigma.ts";
import { compileSigma } from "./compile_sigma.ts";
import { runSigma } from "./run_sigma.ts";

const SCHEMA = new URL("./schema/", import.meta.url).pathname;
const IRSA = new URL("./testdata/irsa_attack.json", import.meta.url).pathname;

async function validators() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  const load = async (f: string) => JSON.parse(await Deno.readTextFile(join(SCHEMA, f)));
  return {
    detection: ajv.compile(await load("sigma-detection-rule-schema.json")),
    correlation: ajv.compile(await load("sigma-correlation-rules-schema.json")),
  };
}

Deno.test("exportSigma() writes Sigma that validates against the specification's schemas", async (t) => {
  const files = exportSigma();
  const v = await validators();
  await t.step("two files, deterministic", () => {
    assert.deepEqual(files.map((f) => f.fileName), [
      "podtrail_web_identity_lateral_movement.yml",
      "podtrail_web_identity_multi_control_plane.yml",
    ]);
    assert.deepEqual(exportSigma(), files);
  });
  for (const file of files) {
    await t.step(`${file.fileName}: every document validates`, () => {
      const docs = parseAllDocuments(file.yaml).map((d) =>
        (d as { toJS(): Record<string, unknown> }).toJS()
      );
      assert.equal(docs.length, 3);
      for (const doc of docs) {
        const validate = doc.correlation ? v.correlation : v.detection;
        assert.ok(validate(doc), `${doc.title}: ${JSON.stringify(validate.errors)}`);
      }
      const [corr, issuance, calls] = docs as Record<string, Record<string, unknown>>[];
      assert.equal(corr.correlation.type, "value_count");
      assert.deepEqual(corr.correlation["group-by"], ["sessionAccessKeyId"]);
      assert.deepEqual(corr.correlation.aliases, {
        sessionAccessKeyId: {
          [issuance.name as unknown as string]: "responseElements.credentials.accessKeyId",
          [calls.name as unknown as string]: "userIdentity.accessKeyId",
        },
      });
      assert.deepEqual(issuance.logsource, { product: "aws", service: "cloudtrail" });
      assert.ok((issuance.tags as unknown as string[]).some((t) => /^attack\.t\d{4}/.test(t)));
    });
    await t.step(`${file.fileName}: podtrail parses and compiles it`, () => {
      const rules = parseSigma(file.yaml, file.fileName);
      for (const r of rules) assert.equal(compileSigma(r, { rules }).kind, "compiled");
    });
  }
  await t.step(
    "the lateral-movement correlation is value_count of eventName >= 3 within 1h",
    () => {
      const [corr] = parseSigma(files[0].yaml, files[0].fileName);
      assert.ok(corr.kind === "correlation");
      if (corr.kind !== "correlation") return;
      assert.equal(corr.correlation.timespan, "1h");
      assert.deepEqual(corr.correlation.condition, { field: "eventName", gte: 3 });
      assert.equal(corr.level, "high");
    },
  );
});

Deno.test("sigma export → sigma run finds the sessions podtrail hunt finds", async () => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    await ingest({ inputs: [IRSA], lake });
    const rules = join(dir, "rules");
    await Deno.mkdir(rules);
    for (const f of exportSigma()) await Deno.writeTextFile(join(rules, f.fileName), f.yaml);
    const sigma = await runSigma({ rules: [rules], lake });
    assert.deepEqual(sigma.unsupported, []);
    assert.deepEqual(sigma.matches, [], "base rules only feed the correlations");
    const ruleOf: Record<string, string> = {
      "f3841c11-8261-4ad1-bb37-caf10a449f84": "web-identity-lateral-movement",
      "49b56416-ebfd-4acf-9499-1974f9598c65": "web-identity-multi-control-plane",
    };
    const fromSigma = sigma.correlations
      .map((c) => `${ruleOf[c.ruleId!]} ${c.group.sessionAccessKeyId}`)
      .sort();
    const fromHunt = (await hunt({ lake, minSeverity: "info" }))
      .map((f) => `${f.rule} ${f.accessKeyId}`)
      .sort();
    assert.deepEqual(fromSigma, fromHunt);
    assert.deepEqual(fromSigma, [
      "web-identity-lateral-movement ASIAATTACKEXAMPLE001",
      "web-identity-lateral-movement ASIAPODIDENTITY00001",
      "web-identity-multi-control-plane ASIAATTACKEXAMPLE001",
    ]);
    // The issuance is part of the correlated group; the benign karpenter session is not found.
    const lm = sigma.correlations.find((c) =>
      ruleOf[c.ruleId!] === "web-identity-lateral-movement"
    )!;
    assert.equal(lm.eventIDs[0], "00000000-0000-4000-8000-000000000001");
    assert.equal(lm.eventIDs.length, 12);
  });
});

Deno.test("sigma export differs from hunt where Sigma cannot follow it (documented)", async () => {
  // The issuance is in the correlated group, so its eventName counts: issuance + 2 sensitive
  // calls within the hour reach 3 distinct eventNames, where hunt counts 2 sensitive actions.
  const text = await Deno.readTextFile(IRSA);
  const records = (JSON.parse(text).Records as Record<string, unknown>[]).slice(0, 3);
  await withTempDir(async (dir) => {
    const file = join(dir, "corner.json");
    await Deno.writeTextFile(file, JSON.stringify({ Records: records }));
    const lake = join(dir, "lake");
    await ingest({ inputs: [file], lake });
    const rules = join(dir, "rules");
    await Deno.mkdir(rules);
    const [lm] = exportSigma();
    await Deno.writeTextFile(join(rules, lm.fileName), lm.yaml);
    const sigma = await runSigma({ rules: [rules], lake });
    assert.deepEqual(sigma.correlations.map((c) => [c.group.sessionAccessKeyId, c.count]), [
      ["ASIAATTACKEXAMPLE001", 3],
    ]);
    assert.deepEqual(await hunt({ lake, minSeverity: "info" }), []);
  });
});
