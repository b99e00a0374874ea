import assert from "node:assert/strict";
import { checkRecord } from "./_shape_check.ts";
import { CANONICAL_ORDER } from "./_record.ts";

import { REAL_SAMPLES } from "../tests/_helpers.ts";

const REAL = `${REAL_SAMPLES}/`;

function* files(dir: string): Generator<string> {
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* files(p);
    else if (p.endsWith(".json")) yield p;
  }
}

/** The records of a sample file: bare arrays, lookup-events responses, EventBridge envelopes, objects. */
function recordsOf(path: string): Record<string, unknown>[] {
  // The workshop replaced its account id with a placeholder; put a 12-digit one back.
  const text = Deno.readTextFileSync(path).replaceAll("ACCOUNT_ID", "123456789012");
  const j = JSON.parse(text);
  if (Array.isArray(j)) return j;
  if (Array.isArray(j.Events)) {
    return j.Events.map((e: { CloudTrailEvent: string }) => JSON.parse(e.CloudTrailEvent));
  }
  if (j.detail) return [j.detail];
  return [j];
}

/** cloud-custodian fixtures whose ids were hand-sanitised into invalid values. */
const SANITISED = new Set([
  "event-cloudsearch.json",
  "event-appmesh-create-mesh.json",
  "event-appmesh-create-virtualgateway.json",
  "event-cloud-trail-bedrock-create-customization-jobs.json",
  "event-cloud-trail-catalog-put-resource-policy.json",
  "event-cloud-trail-catalog-set-encryption.json",
  "event-cloud-trail-create-db.json",
  "event-cloud-trail-create-load-balancer-policy.json",
  "event-cloud-trail-create-volume.json",
  "event-cloud-trail-hsm-create-cluster.json",
  "event-cloud-trail-run-instance-creator-assumed.json",
  "event-transit-gateway-delete-vpc-attachment.json",
]);

/** Datadog's anonymiser broke the ARNs of this file (session names glued to the role). */
const STRATUS_BROKEN = "aws.lateral-movement.ec2-serial-console-send-ssh-public-key.json";

Deno.test("checkRecord() accepts the real samples", async (t) => {
  await t.step("stratus-red-team detonation logs", () => {
    let n = 0;
    for (const path of files(`${REAL}stratus-red-team/docs/detonation-logs`)) {
      if (path.endsWith(STRATUS_BROKEN)) continue;
      for (const r of recordsOf(path)) {
        assert.deepEqual(checkRecord(r), [], `${path} ${r.eventName}`);
        n++;
      }
    }
    assert(n > 300, `only ${n} records`);
  });
  await t.step("EKS Pod Identity workshop events (eks-auth and pods.eks.amazonaws.com)", () => {
    const names: string[] = [];
    for (const path of files(`${REAL}aws-samples-amazon-eks-security-immersion-day`)) {
      for (const r of recordsOf(path)) {
        assert.deepEqual(checkRecord(r), [], path);
        names.push(`${r.eventSource} ${r.eventName}`);
      }
    }
    assert(names.includes("sts.amazonaws.com AssumeRole"));
    assert(names.includes("eks-auth.amazonaws.com AssumeRoleForPodIdentity"));
  });
  await t.step("cloud-custodian events that were not sanitised", () => {
    let n = 0;
    for (const path of files(`${REAL}cloud-custodian`)) {
      if (SANITISED.has(path.slice(path.lastIndexOf("/") + 1))) continue;
      for (const r of recordsOf(path)) assert.deepEqual(checkRecord(r), [], path);
      n++;
    }
    assert.deepEqual(n, 13);
  });
});

Deno.test("checkRecord() rejects what real records never look like", async (t) => {
  const good = recordsOf(
    `${REAL}aws-samples-amazon-eks-security-immersion-day/content__2-identity-and-access-management__3-eks-pod-identity__3.eks-pod-identity-deep-dive__index.en.md.block514.event.json`,
  )[0];
  const broken = (edit: (r: Record<string, unknown>) => void) => {
    const r = structuredClone(good);
    edit(r);
    return checkRecord(r);
  };
  await t.step("the sanitised cloud-custodian fixtures", () => {
    for (const path of files(`${REAL}cloud-custodian`)) {
      if (!SANITISED.has(path.slice(path.lastIndexOf("/") + 1))) continue;
      for (const r of recordsOf(path)) assert(checkRecord(r).length > 0, path);
    }
  });
  await t.step("the anonymised stratus file with glued ARNs", () => {
    for (const r of recordsOf(`${REAL}stratus-red-team/docs/detonation-logs/${STRATUS_BROKEN}`)) {
      if ((r.userIdentity as Record<string, unknown>).type === "AssumedRole") {
        assert(checkRecord(r).length > 0);
      }
    }
  });
  await t.step("field types and formats", () => {
    assert.deepEqual(checkRecord(good), []);
    assert(broken((r) => (r.readOnly = "true")).some((p) => p.includes("readOnly")));
    assert(
      broken((r) => (r.eventTime = "2024-04-16T09:20:04.000Z")).some((p) =>
        p.includes("eventTime")
      ),
    );
    assert(
      broken((r) => (r.eventTime = "2024-04-16 09:20:04.000000000")).some((p) =>
        p.includes("eventTime")
      ),
    );
    assert(broken((r) => delete r.eventID).some((p) => p.includes("eventID")));
    assert(broken((r) => (r.eventID = "not-a-uuid")).some((p) => p.includes("eventID")));
    assert(
      broken((r) => (r.recipientAccountId = "82357199154")).some((p) =>
        p.includes("recipientAccountId")
      ),
    );
    assert(broken((r) => (r.managementEvent = false)).some((p) => p.includes("managementEvent")));
    assert(broken((r) => (r.eventCategory = "Data")).some((p) => p.includes("managementEvent")));
    assert(
      broken((r) => {
        r.eventCategory = "Data";
        r.managementEvent = false;
        delete r.resources;
      }).some((p) => p.includes("data event")),
    );
  });
  await t.step("STS responses that do not match the request", () => {
    assert(
      broken((r) => ((r.requestParameters as Record<string, unknown>).roleSessionName = "other"))
        .length >= 2,
    );
    assert(
      broken((
        r,
      ) => ((r.responseElements as Record<string, Record<string, unknown>>).credentials
        .accessKeyId = "ASIA123")
      )
        .some((p) => p.includes("accessKeyId")),
    );
    assert(
      broken((
        r,
      ) => ((r.responseElements as Record<string, Record<string, unknown>>).credentials.expiration =
        "2024-04-16T15:20:04Z")
      )
        .some((p) => p.includes("expiration")),
    );
  });
  await t.step("identities whose parts disagree", () => {
    const call = recordsOf(
      `${REAL}aws-samples-amazon-eks-security-immersion-day/content__2-identity-and-access-management__3-eks-pod-identity__3.eks-pod-identity-deep-dive__index.en.md.block439.event.json`,
    )[0];
    assert.deepEqual(checkRecord(call), []);
    const edit = (f: (ui: Record<string, unknown>) => void) => {
      const r = structuredClone(call);
      f(r.userIdentity as Record<string, unknown>);
      return checkRecord(r);
    };
    assert(edit((ui) => (ui.principalId = "AROA37QFXJP5E2DPF472Q:other-session")).length > 0);
    assert(edit((ui) => (ui.principalId = "AROA0000000000000000X:i-07574d724fb843fda")).length > 0);
    assert(edit((ui) => (ui.accessKeyId = "ASIA37QFXJP5LMALW5P")).length > 0);
    assert(edit((ui) => (ui.type = "WebIdentityUser")).length > 0);
    assert(
      edit((
        ui,
      ) => ((ui.sessionContext as Record<string, unknown>).webIdFederationData = {
        federatedProvider: 3,
      })).length > 0,
    );
  });
});

Deno.test("CANONICAL_ORDER is the field order of real S3-delivered records", () => {
  for (const path of files(`${REAL}aws-samples-amazon-eks-security-immersion-day`)) {
    for (const r of recordsOf(path)) {
      const positions = Object.keys(r).map((k) => CANONICAL_ORDER.indexOf(k));
      assert(!positions.includes(-1), `${path}: unknown key`);
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b), path);
    }
  }
});
