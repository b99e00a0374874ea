import assert from "node:assert/strict";
import { join } from "node:path";
import { hunt } from "./hunt.ts";
import type { Finding } from "./finding.ts";
import { severityRank } from "./finding.ts";
import { fixtureLake, lakeOf, tempDir } from "./_fixture_lake.ts";
import { queryLake } from "../queries/query_lake.ts";
import { InputSyntaxError } from "../errors.ts";
import { ELASTIC_ACTIONS } from "../queries/_elastic_actions.ts";

const LATERAL = "web-identity-lateral-movement";
const CONTROL_PLANE = "web-identity-multi-control-plane";

/** The findings of a service account (or, when unknown, its likely one) for a rule. */
function of(findings: Finding[], sa: string, rule = LATERAL): Finding | undefined {
  return findings.find((f) =>
    (f.serviceAccount ?? f.likelyServiceAccount) === sa && f.rule === rule
  );
}

function must(findings: Finding[], sa: string, rule = LATERAL): Finding {
  const f = of(findings, sa, rule);
  assert.ok(f, `expected a ${rule} finding for ${sa}`);
  return f;
}

const atLeast = (f: Finding, s: Finding["severity"]) => severityRank(f.severity) >= severityRank(s);

Deno.test("hunt() finds every attack case of the fixtures", async (t) => {
  const findings = await hunt({ lake: await fixtureLake() });

  await t.step("the full chain: recon → secrets → IAM → identity → SSM → StopLogging", () => {
    const f = must(findings, "web/frontend");
    assert.equal(f.severity, "critical");
    assert.equal(f.attribution, "irsa");
    assert.equal(f.cluster, "oidc.eks.us-east-1.amazonaws.com/id/9F2A6C1E4B7D8A3F5E0C2B1D6A4F8E7C");
    assert.deepEqual(f.categories, [
      "reconnaissance",
      "credential-access",
      "iam-escalation",
      "identity-creation",
      "lateral-movement",
      "defence-evasion",
    ]);
    assert.equal(f.actions.length, 20);
    assert.deepEqual(f.novelActions, f.actions);
    assert.deepEqual(f.deniedActions, ["DeleteTrail"]);
    assert.deepEqual(f.sourceIPs, ["185.220.101.47"]);
    assert.deepEqual(f.foreignIPs, ["185.220.101.47"]);
    assert.ok(
      f.reasons.some((r) => r.includes("refused credential issuance")),
      f.reasons.join("\n"),
    );
    assert.equal(f.firstSeen, "2026-11-05T03:06:10Z");
    assert.equal(f.lastSeen, "2026-11-05T03:25:50Z");
    assert.deepEqual(f.thresholds, { minActions: 3, windowMinutes: 60 });
    const cp = must(findings, "web/frontend", CONTROL_PLANE);
    assert.equal(cp.severity, "critical");
    assert.equal(cp.controlPlaneActions, 20);
  });

  await t.step("a quiet 3-action session whose window straddles an hour boundary", () => {
    const f = must(findings, "payments/worker");
    assert.equal(f.severity, "high");
    assert.deepEqual(f.actions, ["GetSecretValue", "ListRoles", "SendCommand"]);
    assert.equal(f.window?.start, "2026-11-05T02:52:10Z");
    assert.equal(f.window?.end, "2026-11-05T03:15:02Z");
    assert.equal(of(findings, "payments/worker", CONTROL_PLANE), undefined);
  });

  await t.step("a session without its issuance event", () => {
    const f = must(findings, "data/etl");
    assert.equal(f.attribution, "web-identity");
    assert.equal(f.serviceAccount, null);
    assert.equal(f.likelyServiceAccount, "data/etl");
    assert.equal(f.cluster, "oidc.eks.us-east-1.amazonaws.com/id/9F2A6C1E4B7D8A3F5E0C2B1D6A4F8E7C");
    assert.match(f.roleArn ?? "", /role\/prod-east-data-etl$/);
    assert.ok(f.reasons.some((r) => r.startsWith("service account unknown")));
    assert.ok(atLeast(f, "high"));
  });

  await t.step("a chained session (two sts:AssumeRole hops)", () => {
    const f = must(findings, "ci/runner");
    assert.equal(f.severity, "critical");
    assert.equal(f.sessionKeys.length, 3);
    assert.equal(f.rootAccessKeyId, f.sessionKeys[0]);
    assert.equal(f.parentAccessKeyId, f.sessionKeys[0]);
    assert.equal(f.accessKeyId, f.sessionKeys[1]);
    assert.match(f.roleArn ?? "", /role\/deploy-admin$/);
    assert.match(f.rootRoleArn ?? "", /role\/prod-east-ci-runner$/);
    for (const a of ["CreateUser", "CreateAccessKey", "AttachUserPolicy", "StopLogging"]) {
      assert.ok(f.actions.includes(a), a);
    }
    assert.ok(f.reasons.some((r) => r.startsWith("+2 role chaining")));
  });

  await t.step("a chained session whose web-identity root has no issuance record", () => {
    const f = must(findings, "batch/jobs");
    assert.equal(f.attribution, "web-identity");
    assert.equal(f.sessionKeys.length, 2);
    assert.match(f.rootRoleArn ?? "", /role\/prod-east-batch-jobs$/);
    assert.match(f.roleArn ?? "", /role\/reporting-admin$/);
    assert.deepEqual(f.actions, [
      "CreateAccessKey",
      "GetCallerIdentity",
      "ListUsers",
      "PutUserPolicy",
    ]);
    assert.equal(f.severity, "critical");
  });

  await t.step("a denied-recon session", () => {
    const f = must(findings, "shop/catalog");
    assert.equal(f.severity, "high");
    assert.deepEqual(f.deniedActions, [
      "DescribeInstances",
      "ListBuckets",
      "ListRoles",
      "ListSecrets",
      "ListUsers",
    ]);
    assert.deepEqual(f.window?.denied, f.deniedActions);
    assert.ok(f.reasons.some((r) => r.startsWith("+3 denied: 5 of 6")));
  });

  await t.step("an EKS Pod Identity session", () => {
    const f = must(findings, "analytics/reporter");
    assert.equal(f.attribution, "pod-identity");
    assert.equal(f.cluster, "prod-east");
    assert.equal(f.podName, "reporter-6d9f8b7c5-x7k2p");
    assert.ok(f.actions.includes("CreateAccessKey"));
    assert.ok(atLeast(f, "high"));
  });

  await t.step("nothing else reaches the default minimum severity", () => {
    const accounts = new Set(findings.map((f) => f.serviceAccount ?? f.likelyServiceAccount));
    assert.deepEqual([...accounts].sort(), [
      "analytics/reporter",
      "batch/jobs",
      "ci/runner",
      "data/etl",
      "payments/worker",
      "shop/catalog",
      "web/frontend",
    ]);
  });

  await t.step("findings come most severe first, in a stable order", async () => {
    for (let i = 1; i < findings.length; i++) {
      assert.ok(severityRank(findings[i - 1].severity) >= severityRank(findings[i].severity));
    }
    const again = await hunt({ lake: await fixtureLake() });
    assert.deepEqual(again, findings);
  });
});

Deno.test("hunt() keeps the benign look-alikes below high", async (t) => {
  const lake = await fixtureLake();
  const all = await hunt({ lake, minSeverity: "info" });
  const benign = [
    "karpenter/karpenter",
    "kube-system/cluster-autoscaler",
    "external-secrets/external-secrets",
    "kube-system/aws-load-balancer-controller",
    "external-dns/external-dns",
    "velero/velero",
    "loki/loki",
    "orders/api",
    "reports/nightly",
    "web/checkout",
  ];

  await t.step("controllers fire the rules but their actions are routine (info)", () => {
    for (const sa of ["karpenter/karpenter", "external-secrets/external-secrets"]) {
      const fs = all.filter((f) => f.serviceAccount === sa && f.rule === LATERAL);
      assert.ok(fs.length >= 6, `${sa}: ${fs.length}`);
      for (const f of fs) {
        assert.equal(f.severity, "info");
        assert.deepEqual(f.novelActions, []);
      }
    }
    const ca = all.filter((f) => f.serviceAccount === "kube-system/cluster-autoscaler");
    assert.ok(ca.length >= 6 && ca.every((f) => f.rule === CONTROL_PLANE && f.severity === "info"));
  });

  await t.step("no benign workload is high or above", () => {
    for (const f of all) {
      if (benign.includes(f.serviceAccount ?? "")) {
        assert.ok(!atLeast(f, "high"), `${f.serviceAccount} ${f.severity}`);
      }
    }
  });

  await t.step("load-balancer controller (9 actions) and external-dns stay under the rules", () => {
    for (const sa of ["kube-system/aws-load-balancer-controller", "external-dns/external-dns"]) {
      assert.equal(all.filter((f) => f.serviceAccount === sa).length, 0, sa);
    }
  });

  await t.step("S3 data-plane traffic never counts (velero, loki, app pods)", async () => {
    for (const sa of ["velero/velero", "loki/loki", "orders/api"]) {
      assert.equal(all.filter((f) => f.serviceAccount === sa).length, 0, sa);
    }
    const { rows } = await queryLake({
      lake,
      sql: `SELECT sum(dataPlaneEvents) AS data, max(len(actions)) AS actions
            FROM sa_sessions WHERE serviceAccount = 'loki/loki'`,
    });
    assert.equal(rows[0].actions, 0);
    assert.ok((rows[0].data as number) > 50);
  });

  await t.step("SSO administrators and IAM users are never attributed", async () => {
    const { rows } = await queryLake({
      lake,
      sql: `SELECT DISTINCT userIdentity.accessKeyId AS k FROM events
            WHERE userIdentity.arn LIKE '%AWSReservedSSO%' OR userIdentity."type" = 'IAMUser'
               OR userIdentity.arn LIKE '%assumed-role/deploy-admin/alice-deploy'`,
    });
    const human = new Set(rows.map((r) => r.k as string));
    assert.equal(human.size, 3);
    for (const f of all) assert.ok(!f.sessionKeys.some((k) => human.has(k)), f.accessKeyId);
    const sessions = await queryLake({
      lake,
      sql: "SELECT accessKeyId FROM sa_sessions WHERE list_contains($1, accessKeyId)".replace(
        "$1",
        `[${[...human].map((k) => `'${k}'`).join(",")}]`,
      ),
    });
    assert.equal(sessions.rows.length, 0);
  });
});

Deno.test("hunt() applies its options", async (t) => {
  const lake = await fixtureLake();

  await t.step("minActions: 4 misses the quiet 3-action session", async () => {
    const f = await hunt({ lake, minActions: 4 });
    assert.equal(of(f, "payments/worker"), undefined);
    assert.ok(of(f, "web/frontend"));
  });

  await t.step("windowMinutes: the quiet session spans 23 minutes", async () => {
    assert.equal(of(await hunt({ lake, windowMinutes: 15 }), "payments/worker"), undefined);
    const f = must(await hunt({ lake, windowMinutes: 30 }), "payments/worker");
    assert.deepEqual(f.thresholds, { minActions: 3, windowMinutes: 30 });
  });

  await t.step(
    "minControlPlaneActions: 9 brings in the load-balancer controller, routine",
    async () => {
      const f = await hunt({ lake, minControlPlaneActions: 9, minSeverity: "info" });
      const lbc = f.filter((x) => x.serviceAccount === "kube-system/aws-load-balancer-controller");
      assert.equal(lbc.length, 5);
      assert.ok(
        lbc.every((x) => x.severity === "info" && x.thresholds.minControlPlaneActions === 9),
      );
    },
  );

  await t.step("allow: a known pattern is not counted", async () => {
    const dir = await tempDir("podtrail-allow-");
    const file = join(dir, "allow.csv");
    await Deno.writeTextFile(
      file,
      "principal,eventName,eventSource\n" +
        "system:serviceaccount:payments:worker,GetSecretValue,secretsmanager.amazonaws.com\n" +
        "prod-east-karpenter,*,\n",
    );
    const f = await hunt({ lake, allow: file, minSeverity: "info" });
    assert.equal(of(f, "payments/worker"), undefined);
    assert.equal(f.filter((x) => x.serviceAccount === "karpenter/karpenter").length, 0);
    const open = await hunt({
      lake,
      allow: [{ principal: "web/frontend", eventName: "ListRoles", eventSource: "*" }],
    });
    const wf = must(open, "web/frontend");
    assert.deepEqual(wf.allowedActions, ["ListRoles"]);
    assert.ok(!wf.actions.includes("ListRoles"));
  });

  await t.step("actions: a catalog entry can be removed (or added)", async () => {
    const f = await hunt({
      lake,
      actions: [{ eventSource: "ssm.amazonaws.com", eventName: "SendCommand", category: "none" }],
    });
    assert.equal(of(f, "payments/worker"), undefined);
    const route53 = (eventName: string) => ({
      eventSource: "route53.amazonaws.com",
      eventName,
      category: "reconnaissance" as const,
    });
    const g = await hunt({
      lake,
      actions: [
        route53("ListHostedZones"),
        route53("ListResourceRecordSets"),
        route53("GetChange"),
      ],
      minSeverity: "info",
    });
    const dns = g.filter((f) => f.serviceAccount === "external-dns/external-dns");
    assert.equal(dns.length, 5);
    assert.ok(dns.every((f) => f.severity === "info" && f.categories.includes("reconnaissance")));
  });

  await t.step(
    "from/to and baseline: a lone controller session is novel until history is given",
    async () => {
      const range = {
        from: new Date("2026-11-05T00:00:00Z"),
        to: new Date("2026-11-05T00:59:59Z"),
      };
      const alone = await hunt({ lake, ...range, minSeverity: "info" });
      const k = alone.filter((f) =>
        f.serviceAccount === "karpenter/karpenter" && f.rule === LATERAL
      );
      assert.equal(k.length, 1);
      assert.equal(k[0].severity, "high");
      assert.ok(k[0].reasons.some((r) => r.startsWith("+0 little history")));
      const known = await hunt({ lake, ...range, baseline: lake, minSeverity: "info" });
      const kb = known.filter((f) =>
        f.serviceAccount === "karpenter/karpenter" && f.rule === LATERAL
      );
      assert.equal(kb.length, 1);
      assert.equal(kb[0].severity, "info");
      assert.ok(kb[0].reasons.some((r) => r.includes("or in the baseline")));
    },
  );

  await t.step("minSeverity and rules select findings", async () => {
    const high = await hunt({ lake, minSeverity: "critical" });
    assert.ok(high.length > 0 && high.every((f) => f.severity === "critical"));
    const one = await hunt({ lake, rules: [CONTROL_PLANE] });
    assert.ok(one.length > 0 && one.every((f) => f.rule === CONTROL_PLANE));
  });

  await t.step("bad options are refused", async () => {
    await assert.rejects(() => hunt({ lake, minActions: 0 }), RangeError);
    await assert.rejects(() => hunt({ lake, windowMinutes: 1.5 }), RangeError);
    await assert.rejects(() => hunt({ lake, rules: ["nope"] }), RangeError);
    await assert.rejects(() => hunt({ lake: "" }), TypeError);
    await assert.rejects(
      () => hunt({ lake, allow: "/nonexistent/allow.csv" }),
      Deno.errors.NotFound,
    );
    const dir = await tempDir("podtrail-bad-");
    await Deno.writeTextFile(join(dir, "a.csv"), "principal,eventName\nnot a principal!,X\n");
    await assert.rejects(() => hunt({ lake, allow: join(dir, "a.csv") }), InputSyntaxError);
    await Deno.writeTextFile(
      join(dir, "c.csv"),
      "eventSource,eventName,category\niam.amazonaws.com,X,evil\n",
    );
    await assert.rejects(() => hunt({ lake, actions: join(dir, "c.csv") }), InputSyntaxError);
  });
});

/** The keys Elastic's ES|QL rule alerts on, evaluated the same way over the lake. */
async function elasticKeys(lake: string): Promise<Set<string>> {
  const names = [...ELASTIC_ACTIONS, "AssumeRoleWithWebIdentity"].map((n) => `'${n}'`).join(", ");
  const { rows } = await queryLake({
    lake,
    sql: `WITH k AS (
            SELECT coalesce(json_extract_string(responseElements, '$.credentials.accessKeyId'),
                            userIdentity.accessKeyId) AS key,
                   eventName, userIdentity.userName AS userName
            FROM events)
          SELECT key FROM k WHERE key IS NOT NULL GROUP BY key
          HAVING count(*) FILTER (WHERE eventName = 'AssumeRoleWithWebIdentity'
                                    AND userName LIKE 'system:serviceaccount:%') >= 1
             AND count(DISTINCT eventName) FILTER (WHERE eventName IN (${names})) >= 3`,
  });
  return new Set(rows.map((r) => r.key as string));
}

Deno.test("hunt() has none of the weaknesses of Elastic's rule", async (t) => {
  const lake = await fixtureLake();
  const elastic = await elasticKeys(lake);
  const ours = await hunt({ lake });
  const all = await hunt({ lake, minSeverity: "info" });
  const alerted = (f: Finding) => f.sessionKeys.some((k) => elastic.has(k));

  await t.step("it misses sessions whose AssumeRoleWithWebIdentity is not in the logs", () => {
    const f = must(ours, "data/etl");
    assert.ok(!alerted(f));
  });

  await t.step("it loses the attacker after role chaining", () => {
    const f = must(ours, "ci/runner");
    assert.ok(!elastic.has(f.accessKeyId) && !elastic.has(f.sessionKeys[2]));
    assert.ok(!alerted(f));
  });

  await t.step("it does not see EKS Pod Identity", () => {
    assert.ok(!alerted(must(ours, "analytics/reporter")));
  });

  await t.step("it ignores order and outcome", async () => {
    // Three sensitive calls hours apart, and the issuance counted as an action.
    const spread = await queryLake({
      lake,
      sql:
        `SELECT rootKey FROM sa_trees WHERE serviceAccount IN ('reports/nightly', 'web/checkout')`,
    });
    for (const r of spread.rows) {
      assert.ok(elastic.has(r.rootKey as string), "Elastic alerts");
      assert.ok(!all.some((f) => f.sessionKeys.includes(r.rootKey as string)), "podtrail does not");
    }
    // Refusals: shown and weighed.
    const denied = must(ours, "shop/catalog");
    assert.ok(alerted(denied));
    assert.equal(denied.deniedActions.length, 5);
  });

  await t.step("it cannot tell a compromised pod from a busy controller", () => {
    const eso = all.filter((f) => f.serviceAccount === "external-secrets/external-secrets");
    assert.ok(eso.filter(alerted).length >= 6, "Elastic alerts on every external-secrets session");
    assert.ok(eso.every((f) => f.severity === "info"));
    assert.ok(!ours.some((f) => f.serviceAccount === "external-secrets/external-secrets"));
    assert.equal(must(ours, "payments/worker").severity, "high");
  });
});

Deno.test("hunt() finds the attacks of a generated estate and flags no benign workload high", async () => {
  const { generateEstate } = await import("../generate/mod.ts");
  const out = await tempDir("podtrail-estate-");
  const summary = await generateEstate({ out, seed: 1, days: 0.5, scale: 0.3 });
  const lake = await lakeOf([join(out, "AWSLogs")]);
  const truth = JSON.parse(await Deno.readTextFile(summary.truthPath)) as {
    attacks: { id: string; accessKeys: string[] }[];
  };
  assert.ok(truth.attacks.length >= 6);
  const findings = await hunt({ lake, minSeverity: "info" });
  const attackKeys = new Set(truth.attacks.flatMap((a) => a.accessKeys));
  for (const a of truth.attacks) {
    const hits = findings.filter((f) => f.sessionKeys.some((k) => a.accessKeys.includes(k)));
    assert.ok(hits.length > 0, `${a.id} not found`);
    assert.ok(hits.some((f) => atLeast(f, "high")), `${a.id}: ${hits.map((f) => f.severity)}`);
  }
  for (const f of findings) {
    if (f.sessionKeys.some((k) => attackKeys.has(k))) continue;
    assert.ok(!atLeast(f, "high"), `benign ${f.serviceAccount} ${f.rule} is ${f.severity}`);
  }
});
