/**
 * The shape of `truth.json`: what was generated and which sessions are the
 * injected attacks (the answer key for hunts and benchmarks).
 *
 * @module
 */
import type { AttackTruth, Variant } from "./_attacks.ts";

export type { AttackTruth, Variant };

/** A cluster and its OIDC provider. */
export interface TruthCluster {
  name: string;
  account: string;
  region: string;
  /** The 32-hex-character id in the issuer URL. */
  oidcId: string;
  providerArn: string;
}

/** A benign workload identity (never an attack). */
export interface TruthBenign {
  /** `namespace/name`. */
  serviceAccount: string;
  cluster: string;
  /** How the workload gets credentials. */
  kind: "irsa" | "pod-identity";
  /** What it is (`karpenter`, `external-secrets`, `loki`, ...). */
  workload: string;
  roleArn: string;
}

/** `truth.json`. */
export interface Truth {
  seed: number;
  /** Window start and end (exclusive), ISO seconds. */
  start: string;
  end: string;
  days: number;
  scale: number;
  accounts: string[];
  regions: string[];
  clusters: TruthCluster[];
  attacks: AttackTruth[];
  benign: TruthBenign[];
  totals: {
    /** Log files written. */
    files: number;
    /** Records in log files, re-deliveries included. */
    records: number;
    /** Re-delivered records (same eventID and content in a later file). */
    duplicates: number;
    digestFiles: number;
    /** `records - duplicates`. */
    events: number;
  };
}
