/**
 * `ReportData`: everything a report shows, already selected, redacted and
 * sorted. {@linkcode collectReportData} builds it from a lake; the renderer
 * turns it into HTML without looking anywhere else, so the same data always
 * gives the same bytes.
 *
 * @module
 */
import type { Finding, Severity } from "../hunt/finding.ts";
import type { ManifestFile } from "../ingest/lake.ts";

/** One event of a flagged session tree, as the report shows it. */
export interface ReportEvent {
  /** ISO-8601 UTC. */
  time: string;
  /** e.g. `iam.amazonaws.com`. */
  eventSource: string;
  eventName: string;
  /** The sensitive-action category, or null for other calls. */
  category: string | null;
  /** The error code (AccessDenied…), or null when the call succeeded. */
  errorCode: string | null;
  errorMessage: string | null;
  sourceIP: string | null;
  userAgent: string | null;
  region: string | null;
  /** The session key that made the call; null when none (AssumeRoleWithWebIdentity). */
  accessKeyId: string | null;
  eventID: string | null;
  /** The request parameters that matter (names of roles, policies, secrets, instances…), redacted. */
  params: [string, string][];
  /** The key this event issued (AssumeRoleWithWebIdentity, AssumeRole…), or null. */
  issuedKey: string | null;
}

/** One credential of a session tree. */
export interface ReportKey {
  accessKeyId: string;
  /** The key that issued it, or null for the root. */
  parentAccessKeyId: string | null;
  /** ISO-8601 UTC of its first and last event. */
  firstSeen: string;
  lastSeen: string;
  eventCount: number;
  roleArn: string | null;
}

/** A finding with the events that explain it. */
export interface ReportFinding {
  /** Anchor id in the page, e.g. `f3`. */
  id: string;
  finding: Finding;
  /** The credentials of the tree, root first. */
  keys: ReportKey[];
  /** The first events of the tree, in time order (at most `ReportData.maxEvents`). */
  events: ReportEvent[];
  /** How many more events the tree has than `events` holds. */
  eventsOmitted: number;
  /**
   * The other rules' findings on the same session tree (no more severe than
   * `finding`): one section per tree, however many rules fired on it.
   */
  alsoFlaggedBy: Finding[];
}

/** A rule's metadata, for "why flagged" and the appendix. */
export interface ReportRule {
  id: string;
  title: string;
  description: string;
  /** The rule's SQL text. */
  sql: string;
  /** The thresholds in force for this report. */
  thresholds: Record<string, number>;
  /** MITRE ATT&CK technique ids, when known. */
  attack?: string[];
  /** Known false positives, when documented. */
  falsePositives?: string;
}

/** What the lake held within the report's time range. */
export interface LakeSummary {
  /** The lake folder. */
  path: string;
  /** ISO-8601 UTC of the first and last event, or null for an empty range. */
  firstEvent: string | null;
  lastEvent: string | null;
  accounts: string[];
  regions: string[];
  clusters: string[];
  /** Events in the range. */
  events: number;
  /** Service-account sessions (credentials) examined. */
  sessions: number;
}

/** A committed ingest batch, as the appendix lists it. */
export interface ReportBatch {
  id: string;
  startedAt: string;
  finishedAt: string;
  podtrailVersion: string;
  duckdbVersion: string;
  command: string[];
  files: ManifestFile[];
}

/** Everything the report shows. */
export interface ReportData {
  title: string;
  /** ISO-8601 UTC. */
  generatedAt: string;
  podtrailVersion: string;
  duckdbVersion: string;
  /** The command line that produced the report, secrets scrubbed. */
  command: string[];
  /** The time range asked for (ISO-8601 UTC), null when open. */
  range: { from: string | null; to: string | null };
  minSeverity: Severity;
  /** The most events a finding shows. */
  maxEvents: number;
  lake: LakeSummary;
  /** Findings, most severe first. */
  findings: ReportFinding[];
  rules: ReportRule[];
  batches: ReportBatch[];
  /** Rejected records by reason. */
  rejects: { reason: string; count: number }[];
}
