/**
 * Every real CloudTrail file in ../shared/samples/real ingests with exactly
 * the number of records it holds.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { ingest } from "../ingest/ingest.ts";
import { queryLake } from "../queries/query_lake.ts";
import { REAL_SAMPLES, withTempDir } from "./_helpers.ts";

// Counted by hand (records in each file's array, Records or Events); every
// other .json file there holds a single record or envelope.
const MANY: Record<string, number> = {
  "aws.credential-access.ec2-get-password-data.json": 34,
  "aws.credential-access.ec2-steal-instance-credentials.json": 45,
  "aws.credential-access.secretsmanager-batch-retrieve-secrets.json": 5,
  "aws.credential-access.secretsmanager-retrieve-secrets.json": 21,
  "aws.credential-access.ssm-retrieve-securestring-parameters.json": 10,
  "aws.defense-evasion.organizations-leave.json": 3,
  "aws.discovery.ec2-download-user-data.json": 19,
  "aws.execution.ec2-launch-unusual-instances.json": 3,
  "aws.execution.ec2-user-data.json": 35,
  "aws.execution.ssm-send-command.json": 56,
  "aws.execution.ssm-start-session.json": 29,
  "aws.impact.bedrock-invoke-model.json": 15,
  "aws.lateral-movement.ec2-instance-connect.json": 3,
  "aws.lateral-movement.ec2-serial-console-send-ssh-public-key.json": 4,
  "aws.persistence.iam-create-admin-user.json": 3,
  "aws.persistence.iam-create-backdoor-role.json": 2,
  "aws.persistence.iam-create-user-login-profile.json": 3,
  "aws.persistence.rolesanywhere-create-trust-anchor.json": 2,
  "aws.persistence.sts-federation-token.json": 2,
};

Deno.test("ingest() accepts every real sample with exactly its records", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    const summary = await ingest({ inputs: [REAL_SAMPLES], lake });
    const { rows } = await queryLake({
      lake,
      sql:
        `SELECT path, status, reason, records_read AS r, records_written AS w FROM manifest ORDER BY path`,
    });
    const json = rows.filter((r) => String(r.path).endsWith(".json"));
    assert.equal(json.length, 67);
    for (const row of json) {
      const name = String(row.path).split("/").pop()!;
      const expected = MANY[name] ?? 1;
      await t.step(`${relative(REAL_SAMPLES, String(row.path))}: ${expected}`, () => {
        assert.equal(row.status, "ingested", String(row.reason));
        assert.equal(row.r, expected);
        assert.equal(row.w, expected);
      });
    }
    await t.step("342 records in all, none lost", () => {
      assert.deepEqual(summary.records, { read: 342, written: 342, duplicates: 0, rejected: 0 });
    });
    await t.step("the files that are not CloudTrail are named with a reason", () => {
      const other = new Map(
        rows.filter((r) => !String(r.path).endsWith(".json")).map((r) => [
          String(r.path).split("/").pop(),
          `${r.status}: ${r.reason}`,
        ]),
      );
      assert.match(other.get("SOURCES.md")!, /^skipped: not a JSON log file/);
      assert.match(other.get("_extraction_index.jsonl")!, /^failed: not CloudTrail/);
    });
    await t.step("Pod Identity records keep their session tags and identity", async () => {
      const { rows: pod } = await queryLake({
        lake,
        sql: `SELECT eventName, userIdentity.invokedBy AS by,
                requestParameters->>'$.tags[0].key' AS tag, eventTime
              FROM events WHERE userIdentity.invokedBy = 'pods.eks.amazonaws.com' ORDER BY eventTime`,
      });
      assert.ok(pod.length >= 1);
      assert.equal(pod[0].eventName, "AssumeRole");
      assert.match(String(pod[0].eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
  });
});
