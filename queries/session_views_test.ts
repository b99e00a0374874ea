import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { queryLake } from "./query_lake.ts";
import { SESSION_VIEWS } from "./session_views.ts";
import { fixtureLake, lakeOf } from "../hunt/_fixture_lake.ts";

const REAL_EKS = fileURLToPath(
  new URL(
    "../../shared/samples/real/aws-samples-amazon-eks-security-immersion-day/",
    import.meta.url,
  ),
);

const q = async (lake: string, sql: string) => (await queryLake({ lake, sql })).rows;

Deno.test("session views model the service-account sessions of the fixtures", async (t) => {
  const lake = await fixtureLake();

  await t.step("every view can be queried", async () => {
    for (const v of SESSION_VIEWS) {
      const rows = await q(lake, `SELECT count(*) AS n FROM ${v.name}`);
      assert.ok((rows[0].n as number) >= 0, v.name);
    }
  });

  await t.step("web_identity_issuances keeps refused assumes", async () => {
    const rows = await q(
      lake,
      `SELECT succeeded, count(*) AS n, count(DISTINCT cluster) AS clusters,
              bool_and(subject LIKE 'system:serviceaccount:%:%') AS sa
       FROM web_identity_issuances GROUP BY succeeded ORDER BY succeeded`,
    );
    assert.deepEqual(rows.map((r) => [r.succeeded, r.clusters, r.sa]), [
      [false, 1, true],
      [true, 1, true],
    ]);
    assert.equal(rows[0].n, 1);
    const [refused] = await q(
      lake,
      `SELECT serviceAccount, roleArn, errorCode FROM web_identity_issuances WHERE NOT succeeded`,
    );
    assert.deepEqual(refused, {
      serviceAccount: "web/frontend",
      roleArn: "arn:aws:iam::111122223333:role/prod-east-admin",
      errorCode: "AccessDenied",
    });
  });

  await t.step("issuance expirations parse in CloudTrail's format", async () => {
    const [r] = await q(
      lake,
      `SELECT count(*) FILTER (WHERE expiresAt IS NULL) AS missing,
              min(expiresAt - eventTime) AS shortest FROM sa_issuances WHERE succeeded`,
    );
    assert.equal(r.missing, 0);
    assert.equal(r.shortest, "01:00:00");
  });

  await t.step("session_tree and sa_sessions follow chains to any depth", async () => {
    const rows = await q(
      lake,
      `SELECT s.depth, s.roleArn, s.serviceAccount, s.parentKey IS NOT NULL AS hasParent,
              s.sensitiveActions
       FROM sa_sessions s WHERE s.serviceAccount = 'ci/runner' AND s.rootKey IN
         (SELECT rootKey FROM sa_trees WHERE maxDepth = 2) ORDER BY s.depth`,
    );
    assert.deepEqual(rows.map((r) => [r.depth, r.hasParent]), [[0, false], [1, true], [2, true]]);
    assert.match(rows[2].roleArn as string, /role\/security-audit$/);
    assert.deepEqual(rows[2].sensitiveActions, ["DescribeTrails", "StopLogging"]);
  });

  await t.step("humans chaining into the same role stay out of every tree", async () => {
    const chains = await q(
      lake,
      `SELECT count(*) AS n FROM role_chains WHERE roleSessionName = 'alice-deploy'`,
    );
    assert.equal(chains[0].n, 1);
    const linked = await q(
      lake,
      `SELECT count(*) AS n FROM session_tree WHERE sessionName = 'alice-deploy'`,
    );
    assert.equal(linked[0].n, 0);
    const sso = await q(
      lake,
      `SELECT count(*) AS n FROM sa_events WHERE sessionRoleArn LIKE '%AWSReservedSSO%'`,
    );
    assert.equal(sso[0].n, 0);
  });

  await t.step(
    "sa_events: object-level S3 calls are data plane, with or without eventCategory",
    async () => {
      const rows = await q(
        lake,
        `SELECT dataEvent, bool_and(NOT controlPlane) AS data, bool_and(category IS NULL) AS plain
       FROM sa_events WHERE eventSource = 's3.amazonaws.com' AND eventName <> 'ListBuckets'
       GROUP BY dataEvent ORDER BY dataEvent`,
      );
      // Half of loki's records carry no eventCategory (older trails): the catalog still knows them.
      assert.deepEqual(rows.map((r) => [r.dataEvent, r.data, r.plain]), [
        [false, true, true],
        [true, true, true],
      ]);
    },
  );

  await t.step("sa_trees: one tree per root, with its principal", async () => {
    const [r] = await q(
      lake,
      `SELECT count(*) AS trees, count(DISTINCT rootKey) AS roots,
              count(*) FILTER (WHERE attribution = 'pod-identity') AS pod,
              count(*) FILTER (WHERE attribution = 'web-identity') AS web
       FROM sa_trees`,
    );
    assert.equal(r.trees, r.roots);
    assert.equal(r.pod, 5);
    assert.equal(r.web, 2);
  });
});

Deno.test("pod_identity_issuances reads the real EKS Pod Identity samples", async () => {
  const files = [...Deno.readDirSync(REAL_EKS)].filter((e) => e.name.endsWith(".json"))
    .map((e) => REAL_EKS + e.name);
  assert.equal(files.length, 5);
  const lake = await lakeOf(files);
  const rows = await q(
    lake,
    `SELECT via, issuedKey, serviceAccount, podName, cluster, roleArn, expiresAt, succeeded,
            errorCode
     FROM pod_identity_issuances ORDER BY eventTime`,
  );
  assert.equal(rows.length, 5);
  const sts = rows.filter((r) => r.via === "sts:AssumeRole");
  assert.deepEqual(sts.map((r) => [r.issuedKey, r.serviceAccount, r.podName, r.cluster]), [
    ["ASIA37QFXJP5MQOWRZ6Q", "ns-a/sa1", "app1", "eksworkshop-eksctl"],
    ["ASIA37QFXJP5M2XCT3LV", "app1/default", "app1-v1-56b9f94b4-dvd5c", "eksworkshop-eksctl"],
  ]);
  assert.equal(sts[0].expiresAt, "2024-04-16T15:20:04Z");
  assert.equal(sts[0].roleArn, "arn:aws:iam::823571991546:role/eks-pod-s3-read-access-role");
  const auth = rows.filter((r) => r.via === "eks-auth:AssumeRoleForPodIdentity");
  assert.equal(auth.length, 3);
  assert.ok(auth.every((r) => r.cluster === "eksworkshop-eksctl" && !r.succeeded));
  assert.equal(auth.filter((r) => r.errorCode === "AccessDenied").length, 1);
  const trees = await q(
    lake,
    `SELECT rootKey, attribution, serviceAccount FROM sa_trees ORDER BY 1`,
  );
  assert.deepEqual(trees, [
    {
      rootKey: "ASIA37QFXJP5M2XCT3LV",
      attribution: "pod-identity",
      serviceAccount: "app1/default",
    },
    { rootKey: "ASIA37QFXJP5MQOWRZ6Q", attribution: "pod-identity", serviceAccount: "ns-a/sa1" },
  ]);
});
