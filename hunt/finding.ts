/**
 * The shape of a hunt finding, shared by `hunt`, `report` and `sigma`.
 *
 * @module
 */

/** Severities, least to most severe. */
export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;

/** A finding's severity. */
export type Severity = typeof SEVERITIES[number];

/** One flagged session tree (a root credential and its chained children). */
export interface Finding {
  /** Rule id, e.g. `web-identity-lateral-movement`. */
  rule: string;
  severity: Severity;
  /** Why this severity, one reason per string. */
  reasons: string[];
  /** The session credential (`ASIA…`). */
  accessKeyId: string;
  /** The credential that issued this one by sts:AssumeRole, or null. */
  parentAccessKeyId: string | null;
  /** Every key in the session tree, root first. */
  sessionKeys: string[];
  /** `namespace/name`, or null when unknown (issuance not in the logs). */
  serviceAccount: string | null;
  /** OIDC provider id or EKS cluster name, or null. */
  cluster: string | null;
  /** `irsa`, `pod-identity`, or `web-identity` (no issuance seen). */
  attribution: "irsa" | "pod-identity" | "web-identity";
  roleArn: string | null;
  roleSessionName: string | null;
  accountId: string | null;
  /** ISO-8601 UTC. */
  firstSeen: string;
  /** ISO-8601 UTC. */
  lastSeen: string;
  /** Distinct sensitive eventNames, sorted. */
  actions: string[];
  /** Categories hit, sorted. */
  categories: string[];
  /** Sensitive actions that were denied (errorCode set). */
  deniedActions: string[];
  /** Sensitive actions not routine for this service account/role: seen in fewer than 3 of its
   * other sessions (and not in the baseline). */
  novelActions: string[];
  eventCount: number;
  sourceIPs: string[];
  userAgents: string[];
  /** Rule thresholds that applied, e.g. `{minActions: 3, windowMinutes: 60}`. */
  thresholds: Record<string, number>;
  // Optional detail added by `hunt()`; consumers must not require it.
  /** The severity model's points (see `hunt/severity.ts`). */
  score?: number;
  /** The tree's root credential (the one issued to the service account). */
  rootAccessKeyId?: string;
  /** The role the root credential was issued for (differs from `roleArn` after chaining). */
  rootRoleArn?: string | null;
  /** `system:serviceaccount:<namespace>:<name>`, or null. */
  subject?: string | null;
  /** Pod name, when EKS Pod Identity's session tags give it. */
  podName?: string | null;
  /** When `serviceAccount` is unknown: the one service account the same role was issued to. */
  likelyServiceAccount?: string | null;
  /** What fired the rule: the best window (lateral movement) or the span (control plane). */
  window?: { start: string; end: string; actions: string[]; denied: string[] };
  /** Sensitive actions that are routine for this service account (add no points). */
  routineActions?: string[];
  /** Sensitive actions suppressed by `--allow`. */
  allowedActions?: string[];
  /** Distinct control-plane actions of the tree (allowlisted ones excluded). */
  controlPlaneActions?: number;
  /** Public source IPs that no other session of the same cluster used. */
  foreignIPs?: string[];
}

/** Severity rank, for comparisons. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Parses a severity name; throws `RangeError` for anything else. */
export function parseSeverity(value: string, flag = "severity"): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new RangeError(`Invalid ${flag} "${value}": use one of ${SEVERITIES.join(", ")}`);
  }
  return value as Severity;
}
