/**
 * A small stand-in for the hunt, for the report's tests: every web-identity
 * session tree (the AssumeRoleWithWebIdentity key, or a key used with
 * `webIdFederationData`, plus the keys it issued by AssumeRole) becomes a
 * finding, rated by how many distinct catalogued actions it made. It keeps
 * the report's tests independent of the detection rules' tuning.
 *
 * @module
 */
import type { Finding, Severity } from "../hunt/finding.ts";
import type { LakeDb } from "../queries/open_lake.ts";
import { toPlain } from "../queries/query_lake.ts";
import type { HuntScope, HuntSource } from "./collect_report_data.ts";
import type { ReportRule } from "./report_data.ts";

const CATEGORIES: Record<string, string> = {
  GetCallerIdentity: "reconnaissance",
  ListRoles: "reconnaissance",
  ListUsers: "reconnaissance",
  ListAttachedRolePolicies: "reconnaissance",
  DescribeInstances: "reconnaissance",
  ListSecrets: "credential-access",
  GetSecretValue: "credential-access",
  CreateUser: "identity-creation",
  CreateAccessKey: "identity-creation",
  AttachUserPolicy: "iam-escalation",
  SendCommand: "lateral-movement",
  StopLogging: "defence-evasion",
};

/** The stub's one rule. */
export const STUB_RULE: ReportRule = {
  id: "web-identity-lateral-movement",
  title: "Lateral movement from a Kubernetes service account",
  description: "Stub rule of the report tests: distinct catalogued actions per session tree.",
  sql: "SELECT tree, count(DISTINCT eventName) FROM sensitive GROUP BY tree",
  thresholds: { minActions: 3, windowMinutes: 60 },
};

function severityFor(actions: number): Severity {
  return actions >= 5 ? "critical" : actions >= 3 ? "high" : actions >= 2 ? "low" : "info";
}

type Row = Record<string, unknown>;

async function query(db: LakeDb, sql: string): Promise<Row[]> {
  const result = await db.conn.runAndReadAll(sql);
  const cols = result.columnNames();
  return result.getRows().map((r) => Object.fromEntries(cols.map((c, i) => [c, toPlain(r[i])])));
}

const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
const uniq = (v: (string | null)[]) =>
  [...new Set(v.filter((x): x is string => x !== null))].sort();

async function findings({ db }: HuntScope): Promise<Finding[]> {
  const calls = await query(
    db,
    `SELECT eventTime::VARCHAR AS t, eventName, errorCode, sourceIPAddress AS ip, userAgent AS ua,
      userIdentity.accessKeyId AS caller, userIdentity.type AS utype,
      userIdentity.sessionContext.webIdFederationData.federatedProvider AS provider,
      userIdentity.identityProvider AS idp, userIdentity.sessionContext.sessionIssuer.arn AS role,
      userIdentity.accountId AS account,
      json_extract_string(responseElements, '$.credentials.accessKeyId') AS issued,
      json_extract_string(responseElements, '$.subjectFromWebIdentityToken') AS subject,
      json_extract_string(requestParameters, '$.roleArn') AS req_role,
      json_extract_string(requestParameters, '$.roleSessionName') AS req_session
    FROM events ORDER BY eventTime, eventID`,
  );
  const roots = new Map<string, Row>();
  for (const c of calls) {
    if (c.eventName === "AssumeRoleWithWebIdentity" && !c.errorCode && c.issued) {
      roots.set(String(c.issued), c);
    }
  }
  for (const c of calls) {
    if (c.provider && c.caller && !roots.has(String(c.caller))) roots.set(String(c.caller), c);
  }
  const out: Finding[] = [];
  for (const [root, origin] of roots) {
    const tree = [root];
    let parentsOf = new Map<string, string>();
    for (let grew = true; grew;) {
      grew = false;
      for (const c of calls) {
        const issued = s(c.issued);
        const caller = s(c.caller);
        if (
          c.eventName === "AssumeRole" && issued && caller && tree.includes(caller) &&
          !tree.includes(issued)
        ) {
          tree.push(issued);
          parentsOf = new Map(parentsOf).set(issued, caller);
          grew = true;
        }
      }
    }
    const mine = calls.filter((c) =>
      (c.caller && tree.includes(String(c.caller))) || c.issued === root
    );
    const sensitive = mine.filter((c) => CATEGORIES[String(c.eventName)]);
    const actions = uniq(sensitive.map((c) => s(c.eventName)));
    const rootUse = mine.find((c) => c.caller === root);
    const subject = s(origin.subject) ??
      (origin.utype === "WebIdentityUser" ? s(origin.idp) : null);
    const sa = subject?.startsWith("system:serviceaccount:")
      ? subject.slice("system:serviceaccount:".length).split(":").join("/")
      : null;
    const provider = s(origin.idp) ?? s(origin.provider) ?? "";
    const iso = (t: unknown) => new Date(String(t)).toISOString().replace(".000Z", "Z");
    out.push({
      rule: STUB_RULE.id,
      severity: severityFor(actions.length),
      reasons: [`${actions.length} distinct catalogued actions`],
      accessKeyId: root,
      parentAccessKeyId: null,
      sessionKeys: tree,
      serviceAccount: sa,
      cluster: provider.replace(/^arn:aws:iam::\d+:oidc-provider\//, "") || null,
      attribution: origin.eventName === "AssumeRoleWithWebIdentity" ? "irsa" : "web-identity",
      roleArn: s(origin.req_role) ?? s(rootUse?.role),
      roleSessionName: s(origin.req_session),
      accountId: s(rootUse?.account) ?? null,
      firstSeen: iso(mine[0].t),
      lastSeen: iso(mine.at(-1)!.t),
      actions,
      categories: uniq(sensitive.map((c) => CATEGORIES[String(c.eventName)])),
      deniedActions: uniq(sensitive.filter((c) => c.errorCode).map((c) => s(c.eventName))),
      novelActions: [],
      eventCount: mine.length,
      sourceIPs: uniq(mine.map((c) => s(c.ip))),
      userAgents: uniq(mine.map((c) => s(c.ua))),
      thresholds: { ...STUB_RULE.thresholds },
    });
  }
  return out;
}

/** The stub hunt. */
export const stubHunt: HuntSource = {
  findings,
  rules: () => [STUB_RULE],
  categoryOf: (_source, name) => CATEGORIES[name] ?? null,
};
