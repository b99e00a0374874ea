/**
 * Hand-built {@linkcode ReportData} for tests, the browser test and the
 * benchmark: a small report with the seed's attack chain (IRSA session,
 * reconnaissance, secrets, a chained role that creates a user and stops
 * logging), a session seen without its issuance, and a Pod Identity session;
 * and a synthetic report of any number of sessions.
 *
 * @module
 */
import type { Finding, Severity } from "../hunt/finding.ts";
import type {
  ReportBatch,
  ReportData,
  ReportEvent,
  ReportFinding,
  ReportKey,
  ReportRule,
} from "./report_data.ts";

/** Options of one sample event. */
export interface SampleEventOptions {
  category?: string | null;
  errorCode?: string;
  errorMessage?: string;
  ip?: string;
  ua?: string;
  key?: string | null;
  issuedKey?: string;
  params?: [string, string][];
}

/** One event; `at` is an ISO time. */
export function sampleEvent(
  at: string,
  source: string,
  name: string,
  o: SampleEventOptions = {},
): ReportEvent {
  return {
    time: at,
    eventSource: `${source}.amazonaws.com`,
    eventName: name,
    category: o.category ?? null,
    errorCode: o.errorCode ?? null,
    errorMessage: o.errorMessage ??
      (o.errorCode ? `User is not authorized to perform: ${source}:${name}` : null),
    sourceIP: o.ip ?? "203.0.113.45",
    userAgent: o.ua ?? "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64",
    region: "eu-west-1",
    accessKeyId: o.key === undefined ? null : o.key,
    eventID: null,
    params: o.params ?? [],
    issuedKey: o.issuedKey ?? null,
  };
}

function uniqueSorted(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort();
}

/** Builds a finding from its events: spans, counts, actions, categories and denied actions. */
export function sampleFinding(
  id: string,
  base: Omit<
    Finding,
    | "firstSeen"
    | "lastSeen"
    | "actions"
    | "categories"
    | "deniedActions"
    | "eventCount"
    | "sourceIPs"
    | "userAgents"
    | "sessionKeys"
  >,
  keys: { accessKeyId: string; parentAccessKeyId: string | null; roleArn: string | null }[],
  events: ReportEvent[],
  options: { maxEvents?: number; extraEvents?: number } = {},
): ReportFinding {
  const sorted = [...events].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const sensitive = sorted.filter((e) => e.category !== null);
  const reportKeys: ReportKey[] = keys.map((k) => {
    const own = sorted.filter((e) =>
      e.accessKeyId === k.accessKeyId || e.issuedKey === k.accessKeyId
    );
    return {
      ...k,
      firstSeen: own[0]?.time ?? sorted[0].time,
      lastSeen: own.at(-1)?.time ?? sorted[0].time,
      eventCount: sorted.filter((e) => e.accessKeyId === k.accessKeyId).length,
    };
  });
  const max = options.maxEvents ?? sorted.length;
  const finding: Finding = {
    ...base,
    sessionKeys: keys.map((k) => k.accessKeyId),
    firstSeen: sorted[0].time,
    lastSeen: sorted.at(-1)!.time,
    actions: uniqueSorted(sensitive.map((e) => e.eventName)),
    categories: uniqueSorted(sensitive.map((e) => e.category)),
    deniedActions: uniqueSorted(sensitive.filter((e) => e.errorCode).map((e) => e.eventName)),
    eventCount: sorted.length + (options.extraEvents ?? 0),
    sourceIPs: uniqueSorted(sorted.map((e) => e.sourceIP)),
    userAgents: uniqueSorted(sorted.map((e) => e.userAgent)),
  };
  return {
    id,
    finding,
    keys: reportKeys,
    events: sorted.slice(0, max),
    eventsOmitted: sorted.length - Math.min(max, sorted.length) + (options.extraEvents ?? 0),
    alsoFlaggedBy: [],
  };
}

const ACCOUNT = "111122223333";
const OIDC = "oidc.eks.eu-west-1.amazonaws.com/id/5C1A0E2B9F8D4C3A7E6B1D0F2A4C6E8B";
const ROOT = "ASIAQRSTUVWXYZROOT01";
const CHILD = "ASIAQRSTUVWXYZCHILD2";
const NOISSUE = "ASIAQRSTUVWXYZORPHN3";
const POD = "ASIAQRSTUVWXYZPODID4";

/** The sample report's rules. */
export const SAMPLE_RULES: ReportRule[] = [
  {
    id: "web-identity-lateral-movement",
    title: "Lateral movement from a Kubernetes service account",
    description: "At least minActions distinct sensitive actions within windowMinutes in one " +
      "web-identity or Pod Identity session tree; denied attempts count.",
    sql: "SELECT tree, count(DISTINCT eventName) AS actions\nFROM sensitive_calls\n" +
      "WINDOW w AS (PARTITION BY tree ORDER BY eventTime RANGE INTERVAL 60 MINUTES PRECEDING)\n" +
      "QUALIFY actions >= getvariable('min_actions')",
    thresholds: { minActions: 3, windowMinutes: 60 },
  },
  {
    id: "web-identity-multi-control-plane",
    title: "Many control-plane actions from a service-account session",
    description:
      "A web-identity or Pod Identity session tree performs at least minActions distinct " +
      "control-plane actions after its credential was issued.",
    sql: "SELECT tree, count(DISTINCT eventName) AS actions\nFROM control_plane_calls\n" +
      "GROUP BY tree HAVING actions >= getvariable('min_actions')",
    thresholds: { minActions: 8 },
  },
];

/** The sample report's manifest. */
export const SAMPLE_BATCHES: ReportBatch[] = [{
  id: "20261105T180000Z-0a1b2c3d",
  startedAt: "2026-11-05T18:00:00.000Z",
  finishedAt: "2026-11-05T18:00:04.000Z",
  podtrailVersion: "0.1.0",
  duckdbVersion: "v1.5.6",
  command: ["podtrail", "ingest", "./AWSLogs", "--lake", "./lake"],
  files: [
    {
      path:
        "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/05/111122223333_CloudTrail_eu-west-1_20261105T1405Z_a1.json.gz",
      size: 48211,
      sha256: "9f2c0d6e5b4a3f21e0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3f2e1d0c9b8a7f",
      status: "ingested",
      shape: "records/gzip",
      records: { read: 1204, written: 1201, duplicates: 3, rejected: 0 },
    },
    {
      path:
        "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/05/111122223333_CloudTrail_eu-west-1_20261105T1410Z_b2.json.gz",
      size: 51007,
      sha256: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      status: "ingested",
      shape: "records/gzip",
      records: { read: 1310, written: 1309, duplicates: 0, rejected: 1 },
    },
  ],
}];

/** A small report: three findings, one of them a chained session tree. */
export function sampleReportData(): ReportData {
  const ua = "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64";
  const boto =
    "Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.4";
  const chain = sampleFinding(
    "f1",
    {
      rule: "web-identity-lateral-movement",
      severity: "critical",
      reasons: [
        "7 distinct sensitive actions within 38 min (threshold 3 in 60 min)",
        "IAM escalation, identity creation and defence evasion hit",
        "role chaining: 1 chained session",
        "6 of 14 actions never seen for payments/invoice-worker",
      ],
      accessKeyId: ROOT,
      parentAccessKeyId: null,
      serviceAccount: "payments/invoice-worker",
      cluster: OIDC,
      attribution: "irsa",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-payments-invoice-worker`,
      roleSessionName: "botocore-session-1762351331",
      accountId: ACCOUNT,
      novelActions: [
        "AttachUserPolicy",
        "CreateAccessKey",
        "CreateUser",
        "ListRoles",
        "SendCommand",
        "StopLogging",
      ],
      thresholds: { minActions: 3, windowMinutes: 60 },
    },
    [
      {
        accessKeyId: ROOT,
        parentAccessKeyId: null,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-payments-invoice-worker`,
      },
      {
        accessKeyId: CHILD,
        parentAccessKeyId: ROOT,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/ci-deployer`,
      },
    ],
    [
      sampleEvent("2026-11-05T14:02:11Z", "sts", "AssumeRoleWithWebIdentity", {
        ip: "10.42.7.19",
        ua,
        issuedKey: ROOT,
        params: [
          ["roleArn", `arn:aws:iam::${ACCOUNT}:role/eks-payments-invoice-worker`],
          ["roleSessionName", "botocore-session-1762351331"],
          ["\u2192 subject", "system:serviceaccount:payments:invoice-worker"],
        ],
      }),
      sampleEvent("2026-11-05T14:02:40Z", "s3", "GetBucketLocation", {
        key: ROOT,
        ip: "10.42.7.19",
        ua,
        params: [["bucketName", "invoices-prod"]],
      }),
      sampleEvent("2026-11-05T14:05:02Z", "sts", "GetCallerIdentity", {
        key: ROOT,
        category: "reconnaissance",
        ua: boto,
      }),
      sampleEvent("2026-11-05T14:05:09Z", "iam", "ListRoles", {
        key: ROOT,
        category: "reconnaissance",
        ua: boto,
      }),
      sampleEvent("2026-11-05T14:05:17Z", "iam", "ListAttachedRolePolicies", {
        key: ROOT,
        category: "reconnaissance",
        ua: boto,
        params: [["roleName", "ci-deployer"]],
      }),
      sampleEvent("2026-11-05T14:06:30Z", "secretsmanager", "ListSecrets", {
        key: ROOT,
        category: "credential-access",
        ua: boto,
      }),
      sampleEvent("2026-11-05T14:06:41Z", "secretsmanager", "GetSecretValue", {
        key: ROOT,
        category: "credential-access",
        ua: boto,
        params: [["secretId", "prod/payments/stripe-api-key"]],
      }),
      sampleEvent("2026-11-05T14:06:44Z", "secretsmanager", "GetSecretValue", {
        key: ROOT,
        category: "credential-access",
        ua: boto,
        errorCode: "AccessDeniedException",
        params: [["secretId", "prod/rds/master"]],
      }),
      sampleEvent("2026-11-05T14:09:12Z", "sts", "AssumeRole", {
        key: ROOT,
        ua: boto,
        issuedKey: CHILD,
        params: [
          ["roleArn", `arn:aws:iam::${ACCOUNT}:role/ci-deployer`],
          ["roleSessionName", "x"],
          ["\u2192 issued key", CHILD],
        ],
      }),
      sampleEvent("2026-11-05T14:12:03Z", "iam", "CreateUser", {
        key: CHILD,
        category: "identity-creation",
        ua: boto,
        params: [["userName", "svc-backup"]],
      }),
      sampleEvent("2026-11-05T14:12:09Z", "iam", "CreateAccessKey", {
        key: CHILD,
        category: "identity-creation",
        ua: boto,
        params: [["userName", "svc-backup"], ["\u2192 new access key", "AKIAQRSTUVWXYZNEWKEY"]],
      }),
      sampleEvent("2026-11-05T14:12:30Z", "iam", "AttachUserPolicy", {
        key: CHILD,
        category: "iam-escalation",
        ua: boto,
        errorCode: "AccessDenied",
        params: [["userName", "svc-backup"], [
          "policyArn",
          "arn:aws:iam::aws:policy/AdministratorAccess",
        ]],
      }),
      sampleEvent("2026-11-05T14:21:55Z", "ssm", "SendCommand", {
        key: CHILD,
        category: "lateral-movement",
        ua: boto,
        params: [["documentName", "AWS-RunShellScript"], ["instanceIds", "i-0abc123def4567890"]],
      }),
      sampleEvent("2026-11-05T14:40:18Z", "cloudtrail", "StopLogging", {
        key: CHILD,
        category: "defence-evasion",
        ua: boto,
        errorCode: "AccessDenied",
        params: [["name", "org-trail"]],
      }),
    ],
  );
  Object.assign(chain.finding, {
    score: 31,
    rootAccessKeyId: ROOT,
    subject: "system:serviceaccount:payments:invoice-worker",
    window: {
      start: "2026-11-05T14:05:02Z",
      end: "2026-11-05T14:40:18Z",
      actions: ["AttachUserPolicy", "CreateAccessKey", "CreateUser", "GetSecretValue", "ListRoles"],
      denied: ["AttachUserPolicy", "StopLogging"],
    },
    routineActions: ["GetCallerIdentity"],
    foreignIPs: ["203.0.113.45"],
  });

  const orphan = sampleFinding(
    "f2",
    {
      rule: "web-identity-lateral-movement",
      severity: "high",
      reasons: [
        "3 distinct sensitive actions within 2 min (threshold 3 in 60 min)",
        "2 of 3 attempts denied",
        "issuance not in the logs: service account unknown",
      ],
      accessKeyId: NOISSUE,
      parentAccessKeyId: null,
      serviceAccount: null,
      cluster: OIDC,
      attribution: "web-identity",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-monitoring-agent`,
      roleSessionName: "1762352400000000000",
      accountId: ACCOUNT,
      novelActions: ["ListUsers"],
      thresholds: { minActions: 3, windowMinutes: 60 },
    },
    [{
      accessKeyId: NOISSUE,
      parentAccessKeyId: null,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-monitoring-agent`,
    }],
    [
      sampleEvent("2026-11-05T15:00:03Z", "cloudwatch", "GetMetricData", {
        key: NOISSUE,
        ip: "10.42.9.4",
        ua,
      }),
      sampleEvent("2026-11-05T15:00:05Z", "sts", "GetCallerIdentity", {
        key: NOISSUE,
        category: "reconnaissance",
        ip: "10.42.9.4",
        ua,
      }),
      sampleEvent("2026-11-05T15:00:41Z", "iam", "ListUsers", {
        key: NOISSUE,
        category: "reconnaissance",
        ip: "10.42.9.4",
        ua,
        errorCode: "AccessDenied",
      }),
      sampleEvent("2026-11-05T15:01:12Z", "ec2", "DescribeInstances", {
        key: NOISSUE,
        category: "reconnaissance",
        ip: "10.42.9.4",
        ua,
        errorCode: "Client.UnauthorizedOperation",
        errorMessage: "You are not authorized to perform this operation.",
      }),
    ],
  );
  const pod = sampleFinding(
    "f3",
    {
      rule: "web-identity-multi-control-plane",
      severity: "medium",
      reasons: [
        "9 distinct control-plane actions (threshold 8)",
        "all actions routine except RunInstances",
      ],
      accessKeyId: POD,
      parentAccessKeyId: null,
      serviceAccount: "data/etl-runner",
      cluster: "prod-eu",
      attribution: "pod-identity",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/etl-runner`,
      roleSessionName: "eks-prod-eu-etl-runner-7c9f",
      accountId: ACCOUNT,
      novelActions: ["RunInstances"],
      thresholds: { minActions: 8 },
    },
    [{
      accessKeyId: POD,
      parentAccessKeyId: null,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/etl-runner`,
    }],
    [
      sampleEvent("2026-11-05T16:10:00Z", "eks-auth", "AssumeRoleForPodIdentity", {
        ip: "10.42.3.77",
        issuedKey: POD,
        params: [["clusterName", "prod-eu"], ["\u2192 issued key", POD]],
      }),
      ...["GetParameters", "DescribeParameters", "ListKeys", "Decrypt", "DescribeInstances"].map((
        name,
        i,
      ) =>
        sampleEvent(`2026-11-05T16:1${i + 1}:0${i}Z`, i < 2 ? "ssm" : i < 4 ? "kms" : "ec2", name, {
          key: POD,
          ip: "10.42.3.77",
          category: i < 4 ? "credential-access" : "reconnaissance",
        })
      ),
      sampleEvent("2026-11-05T16:19:30Z", "ec2", "RunInstances", {
        key: POD,
        ip: "10.42.3.77",
        category: "compute-creation",
        params: [["instanceType", "c5.4xlarge"], ["imageId", "ami-0c55b159cbfafe1f0"]],
      }),
    ],
  );
  orphan.finding.likelyServiceAccount = "monitoring/node-exporter";
  pod.finding.podName = "etl-runner-7c9f6d8b5-x2k4q";
  return {
    title: "podtrail report: payments cluster incident",
    generatedAt: "2026-11-06T09:00:00.000Z",
    podtrailVersion: "0.1.0",
    duckdbVersion: "v1.5.6",
    command: [
      "podtrail",
      "report",
      "--lake",
      "./lake",
      "-o",
      "report.html",
      "--now",
      "2026-11-06T09:00:00Z",
    ],
    range: { from: null, to: null },
    minSeverity: "low" as Severity,
    maxEvents: 300,
    lake: {
      path: "./lake",
      firstEvent: "2026-11-05T00:00:04Z",
      lastEvent: "2026-11-05T23:59:58Z",
      accounts: [ACCOUNT],
      regions: ["eu-west-1", "us-east-1"],
      clusters: [OIDC, "prod-eu"],
      events: 2510,
      sessions: 41,
    },
    findings: [chain, orphan, pod],
    rules: SAMPLE_RULES,
    batches: SAMPLE_BATCHES,
    rejects: [{ reason: "eventTime is not a timestamp", count: 1 }],
  };
}

const SYNTH_ACTIONS: [string, string, string | null][] = [
  ["sts", "GetCallerIdentity", "reconnaissance"],
  ["iam", "ListRoles", "reconnaissance"],
  ["iam", "ListAttachedRolePolicies", "reconnaissance"],
  ["ec2", "DescribeInstances", "reconnaissance"],
  ["secretsmanager", "GetSecretValue", "credential-access"],
  ["ssm", "GetParameters", "credential-access"],
  ["kms", "Decrypt", "credential-access"],
  ["iam", "PutRolePolicy", "iam-escalation"],
  ["iam", "AttachRolePolicy", "iam-escalation"],
  ["iam", "CreateUser", "identity-creation"],
  ["iam", "CreateAccessKey", "identity-creation"],
  ["ssm", "SendCommand", "lateral-movement"],
  ["ec2", "RunInstances", "compute-creation"],
  ["cloudtrail", "StopLogging", "defence-evasion"],
  ["s3", "ListBuckets", null],
  ["ecr", "GetAuthorizationToken", null],
  ["cloudwatch", "PutMetricData", null],
  ["sqs", "ReceiveMessage", null],
];

const SEVERITY_MIX: Severity[] = [
  "critical",
  "high",
  "high",
  "medium",
  "medium",
  "medium",
  "low",
  "low",
];

/**
 * A synthetic report of `sessions` findings (session trees): a fifth of them
 * chained, sizes from a few events to a few long sessions of 1,500 events
 * (shown up to `maxEvents`). Deterministic.
 */
export function syntheticReportData(sessions: number, maxEvents = 300): ReportData {
  let seed = 0x2545f491;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const start = Date.parse("2026-11-01T00:00:00Z");
  const findings: ReportFinding[] = [];
  for (let i = 0; i < sessions; i++) {
    const id = String(i).padStart(6, "0");
    const root = `ASIASYNTH${id}ROOT0`;
    const chained = i % 5 === 0;
    const keys: { accessKeyId: string; parentAccessKeyId: string | null; roleArn: string }[] = [{
      accessKeyId: root,
      parentAccessKeyId: null,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-app-${i % 40}`,
    }];
    if (chained) {
      keys.push({
        accessKeyId: `ASIASYNTH${id}CHLD1`,
        parentAccessKeyId: root,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/deployer-${i % 7}`,
      });
    }
    const size = i % 97 === 0 ? 1500 : 4 + Math.floor(rand() * rand() * 50);
    const t0 = start + Math.floor(rand() * 6 * 86400_000);
    const step = 2000 + Math.floor(rand() * 60_000);
    const ip = `10.${i % 200}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`;
    const events: ReportEvent[] = [
      sampleEvent(new Date(t0).toISOString(), "sts", "AssumeRoleWithWebIdentity", {
        ip,
        issuedKey: root,
        params: [["roleArn", keys[0].roleArn]],
      }),
    ];
    for (let n = 1; n < size; n++) {
      const key = chained && n > size / 2 ? keys[1].accessKeyId : root;
      const at = new Date(t0 + n * step).toISOString();
      if (chained && n === Math.floor(size / 2) + 1) {
        events.push(
          sampleEvent(at, "sts", "AssumeRole", {
            key: root,
            ip,
            issuedKey: keys[1].accessKeyId,
            params: [["roleArn", keys[1].roleArn!]],
          }),
        );
        continue;
      }
      const [source, name, category] = pick(SYNTH_ACTIONS);
      const denied = rand() < 0.15;
      events.push(sampleEvent(at, source, name, {
        key,
        ip,
        category,
        errorCode: denied ? "AccessDenied" : undefined,
        params: name === "GetSecretValue" ? [["secretId", `prod/app-${i % 13}/db`]] : [],
      }));
    }
    const rf = sampleFinding(
      `f${i + 1}`,
      {
        rule: i % 3 ? "web-identity-lateral-movement" : "web-identity-multi-control-plane",
        severity: SEVERITY_MIX[i % SEVERITY_MIX.length],
        reasons: ["synthetic finding"],
        accessKeyId: root,
        parentAccessKeyId: null,
        serviceAccount: `ns-${i % 23}/sa-${i % 41}`,
        cluster: OIDC,
        attribution: "irsa",
        roleArn: keys[0].roleArn,
        roleSessionName: `botocore-session-${t0 / 1000}`,
        accountId: ACCOUNT,
        novelActions: [],
        thresholds: { minActions: 3, windowMinutes: 60 },
      },
      keys,
      events,
      { maxEvents },
    );
    findings.push(rf);
  }
  const rank = (s: Severity) => ["info", "low", "medium", "high", "critical"].indexOf(s);
  findings.sort((a, b) =>
    rank(b.finding.severity) - rank(a.finding.severity) ||
    (a.finding.firstSeen < b.finding.firstSeen ? -1 : 1)
  );
  findings.forEach((f, i) => (f.id = `f${i + 1}`));
  return {
    ...sampleReportData(),
    title: `Synthetic report of ${sessions} sessions`,
    findings,
    maxEvents,
  };
}
