import assert from "node:assert/strict";
import { type ActionRow, assess, severityOf, type TreeSummary, type Trigger } from "./severity.ts";
import type { Category } from "../queries/action_catalog.ts";

const KEY = "ASIAEXAMPLE000000001";

function row(action: string, category: Category | null, o: Partial<ActionRow> = {}): ActionRow {
  return {
    accessKeyId: KEY,
    eventSource: "iam.amazonaws.com",
    action,
    category,
    failed: false,
    events: 1,
    firstTime: "2026-11-05T03:00:00Z",
    lastTime: "2026-11-05T03:00:00Z",
    routine: false,
    allowed: false,
    otherSessions: 0,
    baselineSessions: 0,
    ...o,
  };
}

function tree(actionRows: ActionRow[], o: Partial<TreeSummary> = {}): TreeSummary {
  return {
    rootKey: KEY,
    attribution: "irsa",
    via: "sts:AssumeRoleWithWebIdentity",
    subject: "system:serviceaccount:web:app",
    namespace: "web",
    serviceAccount: "web/app",
    likelyServiceAccount: null,
    podName: null,
    cluster: "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
    provider: null,
    rootRoleArn: "arn:aws:iam::111122223333:role/web-app",
    rootSessionName: "s",
    issuedAt: "2026-11-05T02:59:00Z",
    expiresAt: null,
    issuedFromIP: null,
    accountId: "111122223333",
    principal: "x sa web/app",
    sessions: 1,
    maxDepth: 0,
    sessionKeys: [KEY],
    eventCount: actionRows.length,
    firstSeen: "2026-11-05T03:00:00Z",
    lastSeen: "2026-11-05T03:20:00Z",
    sourceIPs: [],
    userAgents: [],
    actionRows,
    sessionRows: [{ accessKeyId: KEY, parentKey: null, depth: 0, roleArn: null, sessionName: "s" }],
    peerSessions: 5,
    baselinePeerSessions: 0,
    foreignIPs: [],
    deniedIssuances: [],
    ...o,
  };
}

const TRIGGER: Trigger = {
  rule: "web-identity-lateral-movement",
  matched: 3,
  matchedActions: [],
  windowStart: "2026-11-05T03:00:00Z",
  windowEnd: "2026-11-05T03:20:00Z",
};
const OPTIONS = { minControlPlaneActions: 10, routineSessions: 3 };

Deno.test("assess() scores a flagged tree and says why", async (t) => {
  await t.step("a pod that lists roles, reads a secret and sends a command: 10, high", () => {
    const a = assess(
      tree([
        row("ListRoles", "reconnaissance"),
        row("GetSecretValue", "credential-access"),
        row("SendCommand", "lateral-movement"),
      ]),
      TRIGGER,
      OPTIONS,
    );
    assert.equal(a.score, 1 + 2 + 3 + 2 + 2);
    assert.equal(a.severity, "high");
    assert.deepEqual(a.categories, ["reconnaissance", "credential-access", "lateral-movement"]);
    assert.ok(
      a.reasons[0].startsWith("web-identity-lateral-movement: 3 distinct sensitive actions"),
    );
    assert.equal(a.reasons.at(-1), "score 10 ≥ 6 → high");
  });

  await t.step("a controller repeating its routine actions: 0, info", () => {
    const a = assess(
      tree([
        row("DescribeInstances", "reconnaissance", { routine: true, otherSessions: 5 }),
        row("CreateFleet", "compute-creation", { routine: true, otherSessions: 5 }),
        row("GetParameter", "credential-access", { routine: true, otherSessions: 5 }),
      ]),
      TRIGGER,
      OPTIONS,
    );
    assert.equal(a.score, 0);
    assert.equal(a.severity, "info");
    assert.deepEqual(a.novelActions, []);
    assert.deepEqual(a.routineActions, ["CreateFleet", "DescribeInstances", "GetParameter"]);
  });

  await t.step("mostly refused reconnaissance: +3 for the denials", () => {
    const a = assess(
      tree([
        row("GetCallerIdentity", "reconnaissance"),
        ...["ListRoles", "ListUsers", "ListBuckets"].map((n) =>
          row(n, "reconnaissance", { failed: true })
        ),
      ]),
      TRIGGER,
      OPTIONS,
    );
    assert.equal(a.score, 1 + 3 + 2);
    assert.deepEqual(a.deniedActions, ["ListBuckets", "ListRoles", "ListUsers"]);
  });

  await t.step(
    "chaining, a foreign IP and a refused issuance add; allowlisted actions do not",
    () => {
      const a = assess(
        tree([
          row("ListUsers", "reconnaissance"),
          row("CreateUser", "identity-creation", { allowed: true }),
        ], {
          maxDepth: 1,
          sessions: 2,
          sessionRows: [
            { accessKeyId: KEY, parentKey: null, depth: 0, roleArn: "r/web-app", sessionName: "s" },
            {
              accessKeyId: "ASIAEXAMPLE000000002",
              parentKey: KEY,
              depth: 1,
              roleArn: "r/admin",
              sessionName: "t",
            },
          ],
          foreignIPs: ["198.51.100.1"],
          deniedIssuances: [{
            eventTime: "2026-11-05T03:01:00Z",
            roleArn: "r/x",
            errorCode: "AccessDenied",
            via: "v",
          }],
        }),
        TRIGGER,
        OPTIONS,
      );
      assert.equal(a.score, 1 + 2 + 2 + 2 + 2);
      assert.deepEqual(a.actions, ["ListUsers"]);
      assert.deepEqual(a.allowedActions, ["CreateUser"]);
      assert.ok(a.reasons.some((r) => r.includes("web-app → admin")));
    },
  );

  await t.step("without history, novelty earns nothing extra and says so", () => {
    const a = assess(
      tree([row("ListRoles", "reconnaissance")], { peerSessions: 0 }),
      TRIGGER,
      OPTIONS,
    );
    assert.equal(a.score, 1);
    assert.equal(a.severity, "low");
    assert.ok(a.reasons.some((r) => r.startsWith("+0 little history")));
  });
});

Deno.test("severityOf() maps scores to severities", () => {
  assert.deepEqual([0, 1, 2, 3, 5, 6, 11, 12, 30].map(severityOf), [
    "info",
    "low",
    "low",
    "medium",
    "medium",
    "high",
    "high",
    "critical",
    "critical",
  ]);
});
