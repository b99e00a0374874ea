/**
 * `exportSigma()`: podtrail's two service-account rules as Sigma v2.1 YAML,
 * one multi-document file per rule: two base rules (the issuance of a pod's
 * session key, by IRSA or EKS Pod Identity, and the calls made with such a
 * key) and a `value_count` correlation that groups both by the session key,
 * which lives in `responseElements.credentials.accessKeyId` on the issuance
 * and in `userIdentity.accessKeyId` on later calls (an `aliases` entry).
 *
 * What Sigma cannot say, and so differs from `podtrail hunt`:
 *
 * - role chains: hunt follows sts:AssumeRole from the pod's session to the
 *   sessions it issues and counts the whole tree; a correlation groups one key;
 * - the issuance event is in the group, so its eventName
 *   (AssumeRoleWithWebIdentity or AssumeRole) is one of the distinct values
 *   counted when it falls inside the window: the issuance and two sensitive
 *   calls within the hour fire, where hunt needs three sensitive actions
 *   (on a one-day generated estate: 127 Sigma sessions, 104 hunt sessions,
 *   103 in common, the one hunt-only a role chain);
 * - hunt's allowlist, baselines and severity model (routine actions rated
 *   info) have no Sigma form; the exported level is the rule's nominal one;
 * - multi-control-plane has no window in hunt (the whole session); the export
 *   uses 12h, the longest session AssumeRoleWithWebIdentity can issue, and
 *   counts eventName where hunt counts eventSource:eventName;
 * - Pod Identity calls are recognised by their role session name
 *   (`eks-<cluster>-<pod>-…`), web-identity calls by
 *   `sessionContext.webIdFederationData`; hunt links them through the issuance.
 *
 * @module
 */
import { stringify } from "yaml";
import { type CatalogEntry, DEFAULT_CATALOG } from "../queries/action_catalog.ts";
import type { Severity } from "../hunt/finding.ts";
import { type Rule, ruleById } from "../hunt/rules.ts";

/** One exported file. */
export interface SigmaExportFile {
  /** File name, e.g. `podtrail_web_identity_lateral_movement.yml`. */
  fileName: string;
  /** Multi-document Sigma YAML. */
  yaml: string;
}

const DATE = "2026-12-04";
const AUTHOR = "podtrail";
const LOGSOURCE = { product: "aws", service: "cloudtrail" };

const LEVELS: Record<Severity, string> = {
  info: "informational",
  low: "low",
  medium: "medium",
  high: "high",
  critical: "critical",
};

/** ATT&CK tactics of each rule (Sigma tags use the tactic short names). */
const TACTICS: Record<string, string[]> = {
  "web-identity-lateral-movement": [
    "attack.lateral-movement",
    "attack.privilege-escalation",
    "attack.credential-access",
    "attack.discovery",
  ],
  "web-identity-multi-control-plane": ["attack.discovery", "attack.initial-access"],
};

const techniqueTags = (rule: Rule) => rule.attack.map((t) => `attack.${t.toLowerCase()}`);

/** Selection maps `{eventSource, eventName: [...]}`, one per service, sorted. */
function bySource(entries: readonly CatalogEntry[]): Record<string, unknown>[] {
  const map = new Map<string, Set<string>>();
  for (const e of entries) {
    const name = e.eventName === "RunInstances+PassRole" ? "RunInstances" : e.eventName;
    if (!map.has(e.eventSource)) map.set(e.eventSource, new Set());
    map.get(e.eventSource)!.add(name);
  }
  return [...map.keys()].sort().map((source) => {
    const names = [...map.get(source)!].sort();
    return { eventSource: source, eventName: names.length === 1 ? names[0] : names };
  });
}

/** Selections of the calls made with a service-account session key (IRSA or EKS Pod Identity). */
const SESSION = {
  key: { "userIdentity.accessKeyId|startswith": "ASIA" },
  session_web_identity: {
    "userIdentity.sessionContext.webIdFederationData.federatedProvider|exists": true,
  },
  // EKS Pod Identity names the role session eks-<cluster>-<pod>-<uuid>.
  session_pod_identity: { "userIdentity.arn|re": ":assumed-role/[^/]+/eks-" },
};

function issuanceRule(id: string, name: string, tags: string[]) {
  return {
    title: "Session credential issued to a Kubernetes service account (IRSA or EKS Pod Identity)",
    id,
    name,
    status: "experimental",
    description: "A temporary (ASIA…) access key issued to a pod: sts:AssumeRoleWithWebIdentity " +
      "called by a WebIdentityUser (IRSA, the pod's projected service-account token), or " +
      "sts:AssumeRole invoked by pods.eks.amazonaws.com (EKS Pod Identity). " +
      "Feeds the correlation in this file; not an alert by itself.",
    author: AUTHOR,
    date: DATE,
    tags,
    logsource: LOGSOURCE,
    detection: {
      issued: { "responseElements.credentials.accessKeyId|startswith": "ASIA" },
      issuer_irsa: {
        eventSource: "sts.amazonaws.com",
        eventName: "AssumeRoleWithWebIdentity",
        "userIdentity.type": "WebIdentityUser",
      },
      issuer_pod_identity: [
        {
          eventSource: "sts.amazonaws.com",
          eventName: "AssumeRole",
          "userIdentity.invokedBy": POD,
        },
        { eventSource: "sts.amazonaws.com", eventName: "AssumeRole", sourceIPAddress: POD },
      ],
      condition: "issued and 1 of issuer_*",
    },
    fields: [
      "responseElements.credentials.accessKeyId",
      "requestParameters.roleArn",
      "userIdentity.userName",
    ],
    falsepositives: ["Every pod start; only the correlation is meant to alert"],
    level: "informational",
  };
}

const POD = "pods.eks.amazonaws.com";

function lateralMovement(): SigmaExportFile {
  const rule = ruleById("web-identity-lateral-movement");
  const minActions = thresholdOf(rule, "minActions");
  const minutes = thresholdOf(rule, "windowMinutes");
  const tags = [...TACTICS[rule.id], ...techniqueTags(rule)];
  const issuance = "podtrail_lm_web_identity_issuance";
  const calls = "podtrail_lm_sensitive_call";
  const sensitive = DEFAULT_CATALOG.filter((e) =>
    e.category !== "data-plane" && e.category !== "none"
  );
  const docs = [
    {
      title: rule.title,
      id: "f3841c11-8261-4ad1-bb37-caf10a449f84",
      status: "experimental",
      description: `${rule.description}\n\nSigma form of podtrail's ${rule.id} rule: at least ` +
        `${minActions} distinct eventNames within ${minutes} minutes among the issuance and the ` +
        "sensitive calls of one service-account session key. Unlike podtrail hunt it does not follow " +
        "sts:AssumeRole chains to child sessions, and the issuance's own eventName counts when " +
        "it falls inside the window.",
      author: AUTHOR,
      date: DATE,
      correlation: {
        type: "value_count",
        rules: [issuance, calls],
        "group-by": ["sessionAccessKeyId"],
        aliases: {
          sessionAccessKeyId: {
            [issuance]: "responseElements.credentials.accessKeyId",
            [calls]: "userIdentity.accessKeyId",
          },
        },
        timespan: minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`,
        condition: { field: "eventName", gte: minActions },
        // The published schema requires field here too (see sigma/schema/SOURCE.md).
        field: "eventName",
      },
      falsepositives: [rule.falsePositives.replace(/\s+/g, " ")],
      level: LEVELS[rule.severity],
      generate: false,
    },
    issuanceRule("013097b4-2ea4-4f97-8e4f-d72eab92bf15", issuance, tags),
    {
      title: "Sensitive AWS API call made with a Kubernetes service-account session credential",
      id: "2f08aea9-84e8-4945-9894-ca13c031584e",
      name: calls,
      status: "experimental",
      description:
        "A call from podtrail's catalog of sensitive actions (reconnaissance, credential " +
        "access, IAM escalation, identity creation, defence evasion, compute creation, lateral " +
        "movement) made with the temporary key of a web-identity (IRSA) or EKS Pod Identity session. Failed attempts count. " +
        "Feeds the correlation in this file.",
      author: AUTHOR,
      date: DATE,
      tags,
      logsource: LOGSOURCE,
      detection: {
        ...SESSION,
        sensitive_action: bySource(sensitive),
        condition: "key and 1 of session_* and sensitive_action",
      },
      fields: [
        "userIdentity.accessKeyId",
        "userIdentity.arn",
        "eventSource",
        "eventName",
        "errorCode",
      ],
      falsepositives: [
        "Controllers whose job is sensitive; only the correlation is meant to alert",
      ],
      level: "low",
    },
  ];
  return { fileName: "podtrail_web_identity_lateral_movement.yml", yaml: toYaml(docs) };
}

function multiControlPlane(): SigmaExportFile {
  const rule = ruleById("web-identity-multi-control-plane");
  const min = thresholdOf(rule, "minControlPlaneActions");
  const tags = [...TACTICS[rule.id], ...techniqueTags(rule)];
  const issuance = "podtrail_mcp_web_identity_issuance";
  const calls = "podtrail_mcp_control_plane_call";
  const dataPlane = DEFAULT_CATALOG.filter((e) => e.category === "data-plane");
  const docs = [
    {
      title: rule.title,
      id: "49b56416-ebfd-4acf-9499-1974f9598c65",
      status: "experimental",
      description:
        `${rule.description}\n\nSigma form of podtrail's ${rule.id} rule: at least ${min} ` +
        "distinct eventNames within 12 hours (the longest session AssumeRoleWithWebIdentity " +
        "issues) among the issuance and the control-plane calls of one service-account session key. " +
        "Unlike podtrail hunt it does not follow sts:AssumeRole chains, counts eventName rather " +
        "than eventSource:eventName, and counts the issuance's own eventName.",
      author: AUTHOR,
      date: DATE,
      correlation: {
        type: "value_count",
        rules: [issuance, calls],
        "group-by": ["sessionAccessKeyId"],
        aliases: {
          sessionAccessKeyId: {
            [issuance]: "responseElements.credentials.accessKeyId",
            [calls]: "userIdentity.accessKeyId",
          },
        },
        timespan: "12h",
        condition: { field: "eventName", gte: min },
        field: "eventName",
      },
      falsepositives: [rule.falsePositives.replace(/\s+/g, " ")],
      level: LEVELS[rule.severity],
      generate: false,
    },
    issuanceRule("71646935-e58b-4d53-bc25-7c79542021bb", issuance, tags),
    {
      title: "AWS control-plane call made with a Kubernetes service-account session credential",
      id: "8c4f3d78-5221-4544-856c-91edfb1f469c",
      name: calls,
      status: "experimental",
      description:
        "A management (control-plane) call made with the temporary key of a web-identity " +
        "(IRSA) or EKS Pod Identity session; data events and S3 object-level calls are left out. Feeds the correlation in this file.",
      author: AUTHOR,
      date: DATE,
      tags,
      logsource: LOGSOURCE,
      detection: {
        ...SESSION,
        filter_data_event: { eventCategory: "Data" },
        filter_data_plane: bySource(dataPlane),
        condition: "key and 1 of session_* and not 1 of filter_*",
      },
      fields: ["userIdentity.accessKeyId", "userIdentity.arn", "eventSource", "eventName"],
      falsepositives: ["Every workload's normal calls; only the correlation is meant to alert"],
      level: "informational",
    },
  ];
  return { fileName: "podtrail_web_identity_multi_control_plane.yml", yaml: toYaml(docs) };
}

function thresholdOf(rule: Rule, name: string): number {
  const t = rule.thresholds.find((x) => x.name === name);
  if (!t) throw new Error(`Rule ${rule.id} has no threshold "${name}"`);
  return t.default;
}

function toYaml(docs: unknown[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 100 })).join("---\n");
}

/**
 * podtrail's rules as Sigma files (deterministic: same input, same bytes).
 *
 * @example
 * ```ts
 * import { exportSigma } from "./export_sigma.ts";
 * import assert from "node:assert/strict";
 * const files = exportSigma();
 * assert.equal(files.length, 2);
 * assert.match(files[0].yaml, /type: value_count/);
 * ```
 */
export function exportSigma(): SigmaExportFile[] {
  return [lateralMovement(), multiControlPlane()];
}
