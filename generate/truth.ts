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
  /** The EKS cluster name. */
  name: string;
  /** Its account id. */
  account: string;
  /** Its region. */
  region: string;
  /** The 32-hex-character id in the issuer URL. */
  oidcId: string;
  /** The IAM OIDC provider ARN (`…:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<oidcId>`). */
  providerArn: string;
}

/** A benign workload identity (never an attack). */
export interface TruthBenign {
  /** `namespace/name`. */
  serviceAccount: string;
  /** The cluster it runs in. */
  cluster: string;
  /** How the workload gets credentials. */
  kind: "irsa" | "pod-identity";
  /** What it is (`karpenter`, `external-secrets`, `loki`, ...). */
  workload: string;
  /** The role its pods assume. */
  roleArn: string;
}

/** `truth.json`. */
export interface Truth {
  /** The seed everything was derived from. */
  seed: number;
  /** Window start, ISO seconds. */
  start: string;
  /** Window end (exclusive), ISO seconds. */
  end: string;
  /** Window length in days, as asked. */
  days: number;
  /** Volume multiplier, as asked. */
  scale: number;
  /** The two account ids. */
  accounts: string[];
  /** The regions with trails (`us-east-1`, `eu-west-1`). */
  regions: string[];
  /** The EKS clusters and their OIDC providers. */
  clusters: TruthCluster[];
  /** The injected attack sessions, one per variant. */
  attacks: AttackTruth[];
  /** Every workload identity; attacks reuse some of them with their own keys. */
  benign: TruthBenign[];
  /** What was written. */
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
