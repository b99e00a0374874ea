/**
 * The simulated estate: two AWS accounts, two regions, two EKS clusters with
 * their OIDC providers, nodes, IRSA and Pod Identity workloads, Identity
 * Center users and the resources they touch — all derived from the seed.
 *
 * @module
 */
import { Rng } from "./_rng.ts";
import { ec2Id, roleId } from "./_ids.ts";
import type { Role } from "./_identity.ts";

/** One AWS account and its trail bucket. */
export interface Account {
  readonly id: string;
  readonly alias: string;
  /** The bucket the trail delivers to (named in digests). */
  readonly bucket: string;
  /** A per-account trail an attacker may try to stop (the exported trail is the org trail). */
  readonly localTrailArn: string;
  /** Roles outside any cluster. */
  readonly adminRole: Role;
  readonly configRole: Role;
  readonly autoscalingRole: Role;
  readonly eksServiceRole: Role;
  readonly iamUsers: readonly string[];
  readonly managedPolicyArn: string;
}

/** An EC2 worker node. */
export interface Node {
  readonly instanceId: string;
  readonly privateIp: string;
  readonly az: string;
  /** The NAT gateway address its pods' public traffic leaves from. */
  readonly natIp: string;
}

/** An EKS cluster. */
export interface Cluster {
  readonly name: string;
  readonly account: Account;
  readonly region: string;
  /** 32 upper-case hex characters. */
  readonly oidcId: string;
  /** `arn:aws:iam::<acct>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`. */
  readonly providerArn: string;
  readonly arn: string;
  readonly natIps: readonly string[];
  readonly s3VpcEndpoint: string;
  readonly vpcId: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly nodeRole: Role;
  readonly nodes: readonly Node[];
  /** `karpenter` or `cluster-autoscaler`. */
  readonly scaler: string;
  readonly secrets: readonly string[];
  readonly parameters: readonly string[];
  readonly buckets: Readonly<Record<string, string>>;
  readonly tables: readonly string[];
  readonly queues: readonly string[];
  readonly hostedZones: readonly { id: string; name: string }[];
  readonly loadBalancers: readonly string[];
  readonly targetGroups: readonly string[];
  readonly asgs: readonly string[];
  readonly kmsKeyArn: string;
}

/** A Kubernetes workload with an AWS identity. */
export interface Workload {
  /** `<namespace>/<serviceAccount>`. */
  readonly serviceAccount: string;
  readonly namespace: string;
  readonly name: string;
  /** How the pods get credentials. */
  readonly kind: "irsa" | "pod-identity";
  /** Behaviour key (`karpenter`, `loki`, `orders-api`, ...). */
  readonly app: string;
  readonly cluster: Cluster;
  readonly role: Role;
  readonly replicas: number;
  /** Operations per hour for the whole workload at scale 1. */
  readonly rate: number;
  /** Runs one pod per node. */
  readonly daemonSet?: boolean;
}

/** An IAM Identity Center user. */
export interface Human {
  readonly email: string;
  readonly account: Account;
  readonly role: Role;
  /** Offset of their working day from UTC, hours. */
  readonly utcOffset: number;
  readonly ips: readonly string[];
  /** How often they do sensitive work (0..1). */
  readonly admin: boolean;
}

/** Everything the generator simulates. */
export interface Estate {
  readonly seed: number;
  readonly accounts: readonly Account[];
  readonly regions: readonly string[];
  readonly clusters: readonly Cluster[];
  readonly workloads: readonly Workload[];
  readonly humans: readonly Human[];
}

function accountId(rng: Rng): string {
  return String(rng.range(1, 9)) + String(rng.int(100_000)).padStart(5, "0") +
    String(rng.int(1_000_000)).padStart(6, "0");
}

function role(rng: Rng, account: string, name: string, path = "/"): Role {
  return {
    name,
    arn: `arn:aws:iam::${account}:role${path}${name}`,
    id: roleId(rng, account),
    account,
  };
}

const PUBLIC_BLOCKS: Record<string, [number, number, number][]> = {
  "us-east-1": [[3, 208, 239], [34, 192, 239], [44, 192, 223], [54, 80, 175], [52, 0, 95]],
  "eu-west-1": [[34, 240, 255], [52, 16, 19], [54, 72, 79], [63, 32, 35], [3, 248, 255]],
};

function publicIp(rng: Rng, region: string): string {
  const [a, lo, hi] = rng.pick(PUBLIC_BLOCKS[region]);
  return `${a}.${rng.range(lo, hi)}.${rng.range(0, 255)}.${rng.range(1, 254)}`;
}

function secretSuffix(rng: Rng): string {
  return rng.alnum(6);
}

interface ClusterPlan {
  name: string;
  account: Account;
  region: string;
  cidr: number;
  nodes: number;
  scaler: string;
}

function buildCluster(rng: Rng, p: ClusterPlan): Cluster {
  const acct = p.account.id;
  const oidcId = rng.hex(16).toUpperCase();
  const providerArn =
    `arn:aws:iam::${acct}:oidc-provider/oidc.eks.${p.region}.amazonaws.com/id/${oidcId}`;
  const azs = ["a", "b", "c"].map((z) => p.region + z);
  const natIps = azs.map(() => publicIp(rng, p.region));
  const nodes: Node[] = [];
  for (let i = 0; i < p.nodes; i++) {
    const az = i % 3;
    nodes.push({
      instanceId: ec2Id(rng, "i"),
      privateIp: `10.${p.cidr}.${az * 32 + rng.range(0, 31)}.${rng.range(4, 250)}`,
      az: azs[az],
      natIp: natIps[az],
    });
  }
  const stamp = `2026${String(rng.range(1, 9)).padStart(2, "0")}${String(rng.range(10, 28))}${
    String(rng.range(10, 23))
  }${String(rng.range(10, 59))}${String(rng.range(10, 59))}${
    String(rng.int(10000)).padStart(4, "0")
  }000000${String(rng.range(1, 19)).padStart(2, "0")}`;
  const env = p.name.split("-")[0];
  return {
    name: p.name,
    account: p.account,
    region: p.region,
    oidcId,
    providerArn,
    arn: `arn:aws:eks:${p.region}:${acct}:cluster/${p.name}`,
    natIps,
    s3VpcEndpoint: "vpce-0" + rng.hex(8),
    vpcId: "vpc-0" + rng.hex(8),
    subnets: azs.map(() => "subnet-0" + rng.hex(8)),
    securityGroups: [0, 1, 2].map(() => "sg-0" + rng.hex(8)),
    nodeRole: role(rng, acct, `${p.name}-eks-node-group-${stamp}`),
    nodes,
    scaler: p.scaler,
    secrets: [
      `${env}/${p.name}/postgres-main`,
      `${env}/${p.name}/redis-auth`,
      `${env}/${p.name}/stripe-api-key`,
      `${env}/${p.name}/datadog-api-key`,
      `${env}/${p.name}/github-deploy-token`,
      `${env}/${p.name}/smtp-credentials`,
      `${env}/${p.name}/oauth-client-secret`,
      `${env}/${p.name}/grafana-admin`,
      `${env}/shared/tls-wildcard`,
      `${env}/shared/slack-webhook`,
    ].map((name) =>
      `arn:aws:secretsmanager:${p.region}:${acct}:secret:${name}-${secretSuffix(rng)}`
    ),
    parameters: [
      `/${p.name}/config/feature-flags`,
      `/${p.name}/config/log-level`,
      `/${p.name}/db/host`,
      `/${p.name}/db/password`,
      `/${p.name}/api/jwt-signing-key`,
      `/${p.name}/ci/registry-token`,
    ],
    buckets: {
      velero: `${p.name}-velero-backups-${acct}`,
      loki: `${p.name}-loki-chunks-${acct}`,
      media: `${p.name}-media-assets-${acct}`,
      lake: `${p.name}-datalake-${acct}`,
      ci: `${p.name}-ci-cache-${acct}`,
      artifacts: `${p.name}-build-artifacts-${acct}`,
    },
    tables: ["orders", "carts", "payments", "sessions", "inventory"].map((t) => `${p.name}-${t}`),
    queues: ["order-events", "payment-events", "email-outbox", "etl-jobs"].map((q) =>
      `https://sqs.${p.region}.amazonaws.com/${acct}/${p.name}-${q}`
    ),
    hostedZones: [
      { id: "Z0" + rng.upperAlnum(18), name: `${env}.example-shop.com.` },
      { id: "Z0" + rng.upperAlnum(18), name: `internal.${p.name}.example-shop.com.` },
    ],
    loadBalancers: ["web", "api", "grpc"].map((n) =>
      `arn:aws:elasticloadbalancing:${p.region}:${acct}:loadbalancer/app/k8s-${n}-${rng.hex(5)}/${
        rng.hex(8)
      }`
    ),
    targetGroups: ["web", "api", "grpc", "admin"].map((n) =>
      `arn:aws:elasticloadbalancing:${p.region}:${acct}:targetgroup/k8s-${n}-${rng.hex(5)}/${
        rng.hex(8)
      }`
    ),
    asgs: ["general", "memory", "gpu"].map((n) =>
      `eks-${p.name}-${n}-${rng.hex(2)}c${rng.hex(2)}-${rng.hex(4)}-${rng.hex(2)}`
    ),
    kmsKeyArn: `arn:aws:kms:${p.region}:${acct}:key/${rng.uuid()}`,
  };
}

function buildAccount(rng: Rng, id: string, alias: string): Account {
  return {
    id,
    alias,
    bucket: `aws-cloudtrail-logs-${id}-${rng.hex(4)}`,
    localTrailArn: `arn:aws:cloudtrail:us-east-1:${id}:trail/${alias}-management-events`,
    adminRole: role(rng, id, `${alias}-platform-admin`),
    configRole: role(
      rng,
      id,
      "AWSServiceRoleForConfig",
      "/aws-service-role/config.amazonaws.com/",
    ),
    autoscalingRole: role(
      rng,
      id,
      "AWSServiceRoleForAutoScaling",
      "/aws-service-role/autoscaling.amazonaws.com/",
    ),
    eksServiceRole: role(
      rng,
      id,
      "AWSServiceRoleForAmazonEKS",
      "/aws-service-role/eks.amazonaws.com/",
    ),
    iamUsers: ["terraform-ci", "legacy-backup", "datadog-integration", "break-glass"],
    managedPolicyArn: `arn:aws:iam::${id}:policy/${alias}-workload-baseline`,
  };
}

interface WorkloadPlan {
  ns: string;
  sa: string;
  kind: "irsa" | "pod-identity";
  app: string;
  replicas: number;
  rate: number;
  daemonSet?: boolean;
}

const COMMON: WorkloadPlan[] = [
  {
    ns: "kube-system",
    sa: "aws-node",
    kind: "irsa",
    app: "aws-node",
    replicas: 0,
    rate: 30,
    daemonSet: true,
  },
  {
    ns: "kube-system",
    sa: "ebs-csi-controller-sa",
    kind: "irsa",
    app: "ebs-csi",
    replicas: 2,
    rate: 20,
  },
  {
    ns: "external-secrets",
    sa: "external-secrets",
    kind: "irsa",
    app: "external-secrets",
    replicas: 1,
    rate: 70,
  },
  {
    ns: "kube-system",
    sa: "aws-load-balancer-controller",
    kind: "irsa",
    app: "aws-lb-controller",
    replicas: 2,
    rate: 40,
  },
  {
    ns: "external-dns",
    sa: "external-dns",
    kind: "irsa",
    app: "external-dns",
    replicas: 1,
    rate: 30,
  },
];

const SHOP: WorkloadPlan[] = [
  { ns: "kube-system", sa: "karpenter", kind: "irsa", app: "karpenter", replicas: 1, rate: 60 },
  { ns: "velero", sa: "velero", kind: "irsa", app: "velero", replicas: 1, rate: 40 },
  { ns: "shop", sa: "orders-api", kind: "irsa", app: "orders-api", replicas: 4, rate: 90 },
  { ns: "shop", sa: "media-service", kind: "irsa", app: "media-service", replicas: 3, rate: 90 },
  { ns: "ci", sa: "gitlab-runner", kind: "irsa", app: "gitlab-runner", replicas: 2, rate: 30 },
  { ns: "shop", sa: "cart", kind: "pod-identity", app: "cart", replicas: 3, rate: 80 },
  {
    ns: "payments",
    sa: "payments-api",
    kind: "pod-identity",
    app: "payments-api",
    replicas: 2,
    rate: 40,
  },
];

const DATA: WorkloadPlan[] = [
  {
    ns: "kube-system",
    sa: "cluster-autoscaler",
    kind: "irsa",
    app: "cluster-autoscaler",
    replicas: 1,
    rate: 60,
  },
  { ns: "monitoring", sa: "loki", kind: "irsa", app: "loki", replicas: 4, rate: 160 },
  { ns: "data", sa: "spark-jobs", kind: "irsa", app: "spark-jobs", replicas: 2, rate: 70 },
  {
    ns: "data",
    sa: "airflow-worker",
    kind: "pod-identity",
    app: "airflow-worker",
    replicas: 2,
    rate: 60,
  },
  {
    ns: "analytics",
    sa: "reporting",
    kind: "pod-identity",
    app: "reporting",
    replicas: 1,
    rate: 25,
  },
];

const PEOPLE = [
  ["maria.garcia", -5, true],
  ["james.oconnor", -5, false],
  ["priya.raman", 1, true],
  ["lukas.becker", 1, false],
  ["chen.wei", -8, false],
  ["sofia.rossi", 1, true],
] as const;

/**
 * Builds the estate for a seed.
 *
 * @example
 * ```ts
 * import { buildEstate } from "./build_estate.ts";
 * const estate = buildEstate(1);
 * console.log(estate.clusters.map((c) => c.name)); // ["shop-prod", "data-prod"]
 * ```
 */
export function buildEstate(seed: number): Estate {
  const rng = Rng.derive(seed, "estate");
  const idA = accountId(rng);
  let idB = accountId(rng);
  while (idB === idA) idB = accountId(rng);
  const a = buildAccount(rng, idA, "acme-shop-prod");
  const b = buildAccount(rng, idB, "acme-data-prod");
  const clusters = [
    buildCluster(rng, {
      name: "shop-prod",
      account: a,
      region: "us-east-1",
      cidr: 20,
      nodes: 8,
      scaler: "karpenter",
    }),
    buildCluster(rng, {
      name: "data-prod",
      account: b,
      region: "eu-west-1",
      cidr: 40,
      nodes: 6,
      scaler: "cluster-autoscaler",
    }),
  ];
  const workloads: Workload[] = [];
  for (const cluster of clusters) {
    const plans = [...COMMON, ...(cluster.name === "shop-prod" ? SHOP : DATA)];
    for (const p of plans) {
      const roleName = p.kind === "irsa"
        ? `${cluster.name}-${p.sa === "ebs-csi-controller-sa" ? "ebs-csi-driver" : p.sa}-irsa`
        : `${cluster.name}-${p.sa}-pod-identity`;
      workloads.push({
        serviceAccount: `${p.ns}/${p.sa}`,
        namespace: p.ns,
        name: p.sa,
        kind: p.kind,
        app: p.app,
        cluster,
        role: role(rng, cluster.account.id, roleName),
        replicas: p.daemonSet ? cluster.nodes.length : p.replicas,
        rate: p.rate,
        daemonSet: p.daemonSet,
      });
    }
  }
  const humans: Human[] = [];
  const ssoRoles = new Map<string, Role>();
  for (const account of [a, b]) {
    for (const set of ["AdministratorAccess", "PlatformEngineer", "ReadOnlyAccess"]) {
      ssoRoles.set(
        account.id + set,
        role(
          rng,
          account.id,
          `AWSReservedSSO_${set}_${rng.hex(8)}`,
          "/aws-reserved/sso.amazonaws.com/",
        ),
      );
    }
  }
  PEOPLE.forEach(([name, offset, admin], i) => {
    const account = i % 2 === 0 ? a : b;
    const set = admin ? "AdministratorAccess" : i % 3 === 1 ? "ReadOnlyAccess" : "PlatformEngineer";
    humans.push({
      email: `${name}@example-shop.com`,
      account,
      role: ssoRoles.get(account.id + set)!,
      utcOffset: offset,
      ips: (offset < 0 ? [73, 98] : [81, 86]).map((first) =>
        `${first}.${rng.range(1, 254)}.${rng.range(0, 255)}.${rng.range(1, 254)}`
      ),
      admin,
    });
  });
  return {
    seed,
    accounts: [a, b],
    regions: ["us-east-1", "eu-west-1"],
    clusters,
    workloads,
    humans,
  };
}
