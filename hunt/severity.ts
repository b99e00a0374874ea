/**
 * The severity model: a small, explainable points score per flagged session
 * tree. Every point comes with a reason string; the score maps to a severity.
 *
 * | points | for |
 * |---|---|
 * | 4 each | novel IAM privilege escalation, identity creation, defence evasion |
 * | 3 | novel lateral movement |
 * | 2 each | novel credential/secret access, compute creation |
 * | 1 | novel reconnaissance |
 * | +1 / +2 | novel actions span 2 / ≥ 3 categories (a multi-stage attack, not one job) |
 * | +3 / +1 | ≥ 50 % (and ≥ 2 distinct actions) / ≥ 25 % of the novel sensitive attempts failed |
 * | +2 | role chaining: the tree holds sessions issued by sts:AssumeRole |
 * | +2 | the principal has history (≥ 3 other trees, or any in --baseline) and still never did these |
 * | +2 | used from a public IP no other session of the cluster used |
 * | +2 | a failed issuance (denied AssumeRoleWithWebIdentity) for the service account nearby |
 * | +1 | `web-identity-multi-control-plane` only: the novel control-plane actions alone reach N |
 *
 * Severity: score ≥ 12 critical, ≥ 6 high, ≥ 3 medium, ≥ 1 low, 0 info. An
 * action is *routine* when at least 3 other session trees of the same
 * principal (service account, or role when the service account is unknown)
 * did it in the lake — or all of them, when it has only one or two others —
 * or any did in the baseline lake; routine and allowlisted actions add no
 * points. So a controller repeating its actions
 * every hour scores 0 (info), and a pod that suddenly lists IAM roles, reads a
 * secret and calls SendCommand scores 1 + 2 + 3 + 2 + 2 = 10 (high).
 *
 * @module
 */
import { CATEGORIES, type Category, CATEGORY_TITLES } from "../queries/action_catalog.ts";
import type { Severity } from "./finding.ts";

/** Points per novel category. */
export const CATEGORY_WEIGHTS: Readonly<Record<Category, number>> = {
  "iam-escalation": 4,
  "identity-creation": 4,
  "defence-evasion": 4,
  "lateral-movement": 3,
  "credential-access": 2,
  "compute-creation": 2,
  "reconnaissance": 1,
};

/** Lowest score of each severity above info. */
export const SEVERITY_SCORES = { critical: 12, high: 6, medium: 3, low: 1 } as const;

/** One row of `sa_tree_summary.actionRows`: a credential's action and outcome. */
export interface ActionRow {
  accessKeyId: string;
  eventSource: string;
  action: string;
  category: Category | null;
  failed: boolean;
  events: number;
  firstTime: string;
  lastTime: string;
  routine: boolean;
  allowed: boolean;
  otherSessions: number;
  baselineSessions: number;
}

/** One credential of the tree (`sa_tree_summary.sessionRows`). */
export interface SessionRow {
  accessKeyId: string;
  parentKey: string | null;
  depth: number;
  roleArn: string | null;
  sessionName: string | null;
}

/** A row of the view `sa_tree_summary`, as plain values. */
export interface TreeSummary {
  rootKey: string;
  attribution: "irsa" | "pod-identity" | "web-identity";
  via: string | null;
  subject: string | null;
  namespace: string | null;
  serviceAccount: string | null;
  likelyServiceAccount: string | null;
  podName: string | null;
  cluster: string | null;
  provider: string | null;
  rootRoleArn: string | null;
  rootSessionName: string | null;
  issuedAt: string | null;
  expiresAt: string | null;
  issuedFromIP: string | null;
  accountId: string | null;
  principal: string;
  sessions: number;
  maxDepth: number;
  sessionKeys: string[];
  eventCount: number;
  firstSeen: string | null;
  lastSeen: string | null;
  sourceIPs: string[];
  userAgents: string[];
  actionRows: ActionRow[];
  sessionRows: SessionRow[];
  peerSessions: number;
  baselinePeerSessions: number;
  foreignIPs: string[];
  deniedIssuances: { eventTime: string; roleArn: string | null; errorCode: string; via: string }[];
}

/** What made a rule fire on a tree (a row of the rule's SQL). */
export interface Trigger {
  rule: string;
  matched: number;
  matchedActions: string[];
  windowStart: string;
  windowEnd: string;
  deniedInWindow?: string[];
}

/** The score, severity and the facts behind them. */
export interface Assessment {
  severity: Severity;
  score: number;
  reasons: string[];
  /** Distinct sensitive actions (not allowlisted), sorted. */
  actions: string[];
  categories: Category[];
  deniedActions: string[];
  novelActions: string[];
  routineActions: string[];
  allowedActions: string[];
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
const roleName = (arn: string | null) => arn?.replace(/^.*\//, "") ?? "?";
const list = (xs: string[], max = 8) =>
  xs.length <= max ? xs.join(", ") : `${xs.slice(0, max).join(", ")}, … (${xs.length} in all)`;
const hhmm = (iso: string) => iso.slice(11, 19) + "Z";

/** The severity of a score. */
export function severityOf(score: number): Severity {
  if (score >= SEVERITY_SCORES.critical) return "critical";
  if (score >= SEVERITY_SCORES.high) return "high";
  if (score >= SEVERITY_SCORES.medium) return "medium";
  if (score >= SEVERITY_SCORES.low) return "low";
  return "info";
}

function triggerReason(t: Trigger, minutes: (a: string, b: string) => number): string {
  if (t.rule === "web-identity-lateral-movement") {
    const span = minutes(t.windowStart, t.windowEnd);
    const denied = t.deniedInWindow?.length ? `; denied: ${list(t.deniedInWindow)}` : "";
    return `${t.rule}: ${t.matched} distinct sensitive actions within ${span} min ` +
      `(${hhmm(t.windowStart)}–${hhmm(t.windowEnd)} on ${t.windowStart.slice(0, 10)})${denied}`;
  }
  return `${t.rule}: ${t.matched} distinct control-plane actions after the credential was issued`;
}

/**
 * Scores one flagged tree.
 *
 * @example
 * ```ts
 * import { severityOf } from "./severity.ts";
 * console.assert(severityOf(10) === "high");
 * ```
 */
export function assess(
  tree: TreeSummary,
  trigger: Trigger,
  options: { minControlPlaneActions: number; routineSessions: number },
): Assessment {
  const reasons: string[] = [];
  const minutes = (a: string, b: string) =>
    Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 60000));
  reasons.push(triggerReason(trigger, minutes));
  const rows = tree.actionRows;
  const counted = rows.filter((r) => !r.allowed);
  const sensitive = counted.filter((r) => r.category !== null);
  const novel = sensitive.filter((r) => !r.routine);
  const owner = tree.serviceAccount ?? tree.likelyServiceAccount ??
    `role ${roleName(tree.rootRoleArn)}`;
  let score = 0;

  // Categories: novel actions score, routine ones are named and add nothing.
  const novelCats = new Set(novel.map((r) => r.category!));
  for (const cat of CATEGORIES) {
    const hits = sorted(sensitive.filter((r) => r.category === cat).map((r) => r.action));
    if (hits.length === 0) continue;
    const fresh = sorted(novel.filter((r) => r.category === cat).map((r) => r.action));
    if (fresh.length > 0) {
      const w = CATEGORY_WEIGHTS[cat];
      score += w;
      const history = fresh.map((a) => rows.find((r) => r.action === a)!)
          .every((r) => r.otherSessions === 0 && r.baselineSessions === 0)
        ? "first seen"
        : "not routine";
      reasons.push(`+${w} ${CATEGORY_TITLES[cat]} (${history} for ${owner}): ${list(fresh)}`);
    }
    const usual = hits.filter((a) => !fresh.includes(a));
    if (usual.length > 0) {
      const usualRows = sensitive.filter((r) => usual.includes(r.action));
      const least = Math.min(...usualRows.map((r) => r.otherSessions));
      const inBaseline = usualRows.some((r) => r.baselineSessions > 0)
        ? ", or in the baseline"
        : "";
      reasons.push(
        `+0 ${CATEGORY_TITLES[cat]} routine for ${owner} (each in ≥ ${least} of its ` +
          `${tree.peerSessions} other sessions${inBaseline}): ${list(usual)}`,
      );
    }
  }
  if (novelCats.size >= 3) {
    score += 2;
    reasons.push(`+2 the novel actions span ${novelCats.size} attack categories`);
  } else if (novelCats.size === 2) {
    score += 1;
    reasons.push(`+1 the novel actions span 2 attack categories`);
  }

  // Outcome: a workload with a working policy is rarely refused.
  const novelAttempts = novel.reduce((n, r) => n + r.events, 0);
  const novelFailed = novel.filter((r) => r.failed);
  const failedAttempts = novelFailed.reduce((n, r) => n + r.events, 0);
  const failedActions = sorted(novelFailed.map((r) => r.action));
  const ratio = novelAttempts > 0 ? failedAttempts / novelAttempts : 0;
  const pct = Math.round(ratio * 100);
  if (ratio >= 0.5 && failedActions.length >= 2) {
    score += 3;
    reasons.push(
      `+3 denied: ${failedAttempts} of ${novelAttempts} novel sensitive attempts failed (${pct} %): ` +
        list(failedActions),
    );
  } else if (ratio >= 0.25 && failedActions.length >= 1) {
    score += 1;
    reasons.push(
      `+1 denied: ${failedAttempts} of ${novelAttempts} novel sensitive attempts failed (${pct} %): ` +
        list(failedActions),
    );
  } else if (failedActions.length > 0) {
    reasons.push(
      `+0 denied: ${failedAttempts} of ${novelAttempts} novel sensitive attempts failed: ` +
        list(failedActions),
    );
  }

  // Role chaining.
  if (tree.maxDepth > 0) {
    score += 2;
    const path = tree.sessionRows.filter((s) => s.depth > 0).map((s) => roleName(s.roleArn));
    reasons.push(
      `+2 role chaining: ${tree.sessions - 1} session(s) issued by sts:AssumeRole from the ` +
        `service-account credential (${roleName(tree.rootRoleArn)} → ${path.join(" → ")}), ` +
        `depth ${tree.maxDepth}`,
    );
  }

  // Novelty against an established history.
  const history = tree.peerSessions >= options.routineSessions || tree.baselinePeerSessions > 0;
  if (novel.length > 0 && history) {
    score += 2;
    const base = tree.baselinePeerSessions > 0
      ? ` and ${tree.baselinePeerSessions} in the baseline`
      : "";
    reasons.push(
      `+2 novel against history: ${owner} has ${tree.peerSessions} other session(s) in the lake` +
        `${base}; these ${sorted(novel.map((r) => r.action)).length} sensitive action(s) are not ` +
        `among its routine`,
    );
  } else if (novel.length > 0) {
    reasons.push(
      `+0 little history: ${owner} has ${tree.peerSessions} other session(s) in the lake ` +
        `(need ${options.routineSessions}, or --baseline) to tell routine from new`,
    );
  }

  // Where the key was used from.
  if (tree.foreignIPs.length > 0 && novel.length > 0) {
    score += 2;
    reasons.push(
      `+2 used from ${tree.foreignIPs.length} public IP(s) no other session of the cluster used: ` +
        list(tree.foreignIPs),
    );
  }

  // Refused issuances for the same service account.
  if (tree.deniedIssuances.length > 0) {
    score += 2;
    const what = tree.deniedIssuances.map((d) =>
      `${roleName(d.roleArn)} (${d.errorCode} at ${hhmm(d.eventTime)})`
    );
    reasons.push(
      `+2 ${tree.deniedIssuances.length} refused credential issuance(s) for ${owner} nearby: ` +
        list(sorted(what)),
    );
  }

  // Breadth (rule 1): novel control-plane actions alone reach the threshold.
  if (trigger.rule === "web-identity-multi-control-plane") {
    const fresh = sorted(
      counted.filter((r) => !r.routine).map((r) => `${r.eventSource}:${r.action}`),
    );
    if (fresh.length >= options.minControlPlaneActions) {
      score += 1;
      reasons.push(`+1 ${fresh.length} of the control-plane actions are novel`);
    } else {
      reasons.push(
        `+0 ${fresh.length} of ${trigger.matched} control-plane actions are novel ` +
          `(threshold ${options.minControlPlaneActions})`,
      );
    }
  }

  // Attribution notes.
  if (tree.attribution === "web-identity") {
    reasons.push(
      tree.likelyServiceAccount
        ? `service account unknown: no issuance record in the logs; role ` +
          `${
            roleName(tree.rootRoleArn)
          } was issued only to ${tree.likelyServiceAccount} in this lake`
        : `service account unknown: no issuance record in the logs (web identity from ` +
          `${tree.provider ?? "an unknown provider"})`,
    );
  }
  const allowed = sorted(rows.filter((r) => r.allowed && r.category !== null).map((r) => r.action));
  if (allowed.length > 0) reasons.push(`allowlisted, not counted: ${list(allowed)}`);

  const severity = severityOf(score);
  reasons.push(
    severity === "info"
      ? `score 0 → info (nothing novel)`
      : `score ${score} ≥ ${
        SEVERITY_SCORES[severity as keyof typeof SEVERITY_SCORES]
      } → ${severity}`,
  );
  return {
    severity,
    score,
    reasons,
    actions: sorted(sensitive.map((r) => r.action)),
    categories: CATEGORIES.filter((c) => sensitive.some((r) => r.category === c)),
    deniedActions: sorted(sensitive.filter((r) => r.failed).map((r) => r.action)),
    novelActions: sorted(novel.map((r) => r.action)),
    routineActions: sorted(sensitive.filter((r) => r.routine).map((r) => r.action)),
    allowedActions: allowed,
  };
}
