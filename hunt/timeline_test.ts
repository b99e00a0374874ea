import assert from "node:assert/strict";
import { timeline, type TimelineEvent, toTimesketch } from "./timeline.ts";
import { fixtureLake } from "./_fixture_lake.ts";
import { queryLake } from "../queries/query_lake.ts";

async function keyOf(lake: string, sql: string): Promise<string> {
  const { rows } = await queryLake({ lake, sql });
  assert.equal(rows.length, 1, sql);
  return rows[0].k as string;
}

Deno.test("timeline() gives a session tree's events in time order", async (t) => {
  const lake = await fixtureLake();
  const child = await keyOf(
    lake,
    `SELECT DISTINCT userIdentity.accessKeyId AS k FROM events
     WHERE userIdentity.arn LIKE '%assumed-role/deploy-admin/ci-deploy'`,
  );

  await t.step("from any key of the tree: issuance, root, chained sessions", async () => {
    const events = await timeline({ lake, key: child });
    assert.equal(events[0].kind, "issuance");
    assert.equal(events[0].eventName, "AssumeRoleWithWebIdentity");
    assert.equal(events[0].accessKeyId, events[0].rootAccessKeyId);
    assert.deepEqual([...new Set(events.map((e) => e.depth))].sort(), [0, 1, 2]);
    assert.equal(new Set(events.map((e) => e.accessKeyId)).size, 3);
    const times = events.map((e) => e.eventTime);
    assert.deepEqual(times, [...times].sort());
    assert.ok(events.every((e) => e.serviceAccount === "ci/runner" && e.attribution === "irsa"));
    const hop = events.find((e) => e.eventName === "AssumeRole" && e.depth === 0);
    assert.ok(hop, "the chaining call of the root");
    const stop = events.find((e) => e.eventName === "StopLogging")!;
    assert.equal(stop.category, "defence-evasion");
    assert.equal(stop.depth, 2);
    assert.equal(stop.parentAccessKeyId, child);
    assert.deepEqual(stop.requestParameters, {
      name: "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail",
    });
  });

  await t.step("a web-identity session without issuance", async () => {
    const key = await keyOf(
      lake,
      `SELECT DISTINCT userIdentity.accessKeyId AS k FROM events
       WHERE eventName = 'PutRolePolicy' AND userIdentity.arn LIKE '%prod-east-data-etl%'`,
    );
    const events = await timeline({ lake, key });
    assert.equal(events.length, 5);
    assert.ok(events.every((e) => e.kind === "call" && e.attribution === "web-identity"));
    assert.equal(
      events[0].cluster,
      "oidc.eks.us-east-1.amazonaws.com/id/9F2A6C1E4B7D8A3F5E0C2B1D6A4F8E7C",
    );
    assert.equal(events[0].serviceAccount, null);
  });

  await t.step("a key outside every service-account tree gives its own calls", async () => {
    const key = await keyOf(
      lake,
      `SELECT DISTINCT userIdentity.accessKeyId AS k FROM events
       WHERE userIdentity.arn LIKE '%AWSReservedSSO%'`,
    );
    const events = await timeline({ lake, key });
    assert.equal(events.length, 8);
    assert.ok(events.every((e) => e.attribution === null && e.rootAccessKeyId === key));
  });

  await t.step("an unknown key gives nothing; a malformed one is refused", async () => {
    assert.deepEqual(await timeline({ lake, key: "ASIAAAAAAAAAAAAAAAAA" }), []);
    await assert.rejects(() => timeline({ lake, key: "ASIA'; DROP TABLE x" }), RangeError);
  });
});

Deno.test("toTimesketch() gives Timesketch's required fields", () => {
  const e: TimelineEvent = {
    eventTime: "2026-11-05T03:06:10.25Z",
    eventID: "e1",
    kind: "call",
    accessKeyId: "ASIAEXAMPLE000000001",
    parentAccessKeyId: null,
    rootAccessKeyId: "ASIAEXAMPLE000000001",
    depth: 0,
    eventSource: "sts.amazonaws.com",
    eventName: "GetCallerIdentity",
    category: "reconnaissance",
    controlPlane: true,
    errorCode: "AccessDenied",
    errorMessage: "no",
    sourceIPAddress: "203.0.113.7",
    userAgent: "aws-cli/2",
    awsRegion: "us-east-1",
    readOnly: true,
    roleArn: null,
    serviceAccount: "web/frontend",
    cluster: null,
    attribution: "irsa",
    requestParameters: { a: 1 },
  };
  const line = toTimesketch(e);
  assert.equal(line.datetime, "2026-11-05T03:06:10.25Z");
  assert.equal(line.timestamp, Date.parse("2026-11-05T03:06:10Z") * 1000 + 250000);
  assert.equal(line.timestamp_desc, "Event Time");
  assert.equal(
    line.message,
    "sts:GetCallerIdentity by ASIAEXAMPLE000000001 (web/frontend) failed: AccessDenied",
  );
  assert.equal(line.request_parameters, '{"a":1}');
});
