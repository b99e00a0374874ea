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
  /** Sensitive actions never seen for this service account/role outside this session. */
  novelActions: string[];
  eventCount: number;
  sourceIPs: string[];
  userAgents: string[];
  /** Rule thresholds that applied, e.g. `{minActions: 3, windowMinutes: 60}`. */
  thresholds: Record<string, number>;
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
