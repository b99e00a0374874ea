/**
 * SDK profiles: the user agent a client sends for a call, its TLS settings and
 * the session name its credential provider picks for web-identity roles,
 * modelled on the strings real SDKs and controllers send.
 *
 * @module
 */
import type { Rng } from "./_rng.ts";

/** How one kind of client looks on the wire. */
export interface Sdk {
  /** A short label (`go-v2`, `boto3`, `aws-cli`, ...). */
  readonly kind: string;
  /** The `userAgent` of a call to `eventSource`'s `eventName`. */
  ua(eventSource: string, eventName: string): string;
  readonly tlsVersion: string;
  readonly cipherSuite: string;
  /** The `roleSessionName` the SDK's web-identity provider uses at `ms`. */
  sessionName(rng: Rng, ms: number): string;
}

const GO_V2_API: Record<string, string> = {
  "ec2.amazonaws.com": "ec2#1.187.0",
  "sts.amazonaws.com": "sts#1.32.3",
  "s3.amazonaws.com": "s3#1.66.0",
  "secretsmanager.amazonaws.com": "secretsmanager#1.34.3",
  "ssm.amazonaws.com": "ssm#1.55.3",
  "route53.amazonaws.com": "route53#1.46.0",
  "elasticloadbalancing.amazonaws.com": "elasticloadbalancingv2#1.41.0",
  "autoscaling.amazonaws.com": "autoscaling#1.48.0",
  "eks-auth.amazonaws.com": "eksauth#1.7.3",
  "dynamodb.amazonaws.com": "dynamodb#1.36.2",
  "sqs.amazonaws.com": "sqs#1.36.2",
  "pricing.amazonaws.com": "pricing#1.32.2",
  "iam.amazonaws.com": "iam#1.37.2",
  "kms.amazonaws.com": "kms#1.37.2",
  "ecr.amazonaws.com": "ecr#1.36.2",
  "eks.amazonaws.com": "eks#1.51.0",
  "cloudtrail.amazonaws.com": "cloudtrail#1.44.2",
};

const JS_API: Record<string, string> = {
  "dynamodb.amazonaws.com": "dynamodb",
  "sqs.amazonaws.com": "sqs",
  "s3.amazonaws.com": "s3",
  "secretsmanager.amazonaws.com": "secrets-manager",
  "sts.amazonaws.com": "sts",
  "kms.amazonaws.com": "kms",
};

function goNanos(rng: Rng, ms: number): string {
  return String(ms) + String(rng.int(1_000_000)).padStart(6, "0");
}

/** `ListAttachedRolePolicies` → `list-attached-role-policies`. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

function cliService(eventSource: string): string {
  const s = eventSource.replace(".amazonaws.com", "");
  return s === "s3" ? "s3api" : s === "elasticloadbalancing" ? "elbv2" : s;
}

function memo(build: (eventSource: string, eventName: string) => string) {
  const cache = new Map<string, string>();
  return (eventSource: string, eventName: string): string => {
    const key = eventSource + " " + eventName;
    let ua = cache.get(key);
    if (ua === undefined) {
      ua = build(eventSource, eventName);
      cache.set(key, ua);
    }
    return ua;
  };
}

/** aws-sdk-go-v2, optionally with an application suffix (`karpenter.sh/1.1.1`). */
export function goV2(
  opts: { core?: string; go?: string; suffix?: string; features?: string } = {},
): Sdk {
  const core = opts.core ?? "1.32.6";
  const go = opts.go ?? "1.23.4";
  const tail = (opts.features ? ` m/${opts.features}` : "") +
    (opts.suffix ? ` ${opts.suffix}` : "");
  return {
    kind: "go-v2",
    ua: memo((source) =>
      `aws-sdk-go-v2/${core} ua/2.1 os/linux lang/go#${go} md/GOOS#linux md/GOARCH#amd64 api/${
        GO_V2_API[source] ?? source.split(".")[0] + "#1.0.0"
      }${tail}`
    ),
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    sessionName: (rng, ms) => "aws-go-sdk-" + goNanos(rng, ms),
  };
}

/** aws-sdk-go (v1), optionally with an application suffix (`external-secrets/v0.10.4`). */
export function goV1(opts: { core?: string; go?: string; suffix?: string } = {}): Sdk {
  const ua = `aws-sdk-go/${opts.core ?? "1.55.5"} (go${opts.go ?? "1.22.9"}; linux; amd64)` +
    (opts.suffix ? ` ${opts.suffix}` : "");
  return {
    kind: "go-v1",
    ua: () => ua,
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    sessionName: (rng, ms) => goNanos(rng, ms),
  };
}

/** Boto3 on a given OS. */
export function boto3(
  opts: { version?: string; os?: string; arch?: string; python?: string; retry?: string } = {},
): Sdk {
  const v = opts.version ?? "1.35.36";
  const ua =
    `Boto3/${v} md/Botocore#${v} ua/2.0 os/${opts.os ?? "linux#5.10.226-214.879.amzn2.x86_64"} ` +
    `md/arch#${opts.arch ?? "x86_64"} lang/python#${opts.python ?? "3.12.7"} md/pyimpl#CPython ` +
    `cfg/retry-mode#${opts.retry ?? "legacy"} Botocore/${v}`;
  return {
    kind: "boto3",
    ua: () => ua,
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    sessionName: (_rng, ms) => "botocore-session-" + Math.floor(ms / 1000),
  };
}

/** AWS CLI v2 (current user-agent format, with the command). */
export function awsCli(
  opts: { version?: string; os?: string; distrib?: string; python?: string } = {},
): Sdk {
  const v = opts.version ?? "2.22.35";
  const head = `aws-cli/${v} md/awscrt#0.23.4 ua/2.0 os/${opts.os ?? "linux#6.8.0-1021-aws"} ` +
    `md/arch#x86_64 lang/python#${opts.python ?? "3.12.6"} md/pyimpl#CPython ` +
    "cfg/retry-mode#standard md/installer#exe " +
    (opts.distrib === "" ? "" : `md/distrib#${opts.distrib ?? "ubuntu.24"} `) +
    "md/prompt#off md/command#";
  return {
    kind: "aws-cli",
    ua: memo((source, name) =>
      head +
      (source === "s3.amazonaws.com" && name === "ListBuckets"
        ? "s3.ls"
        : `${cliService(source)}.${kebab(name)}`)
    ),
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    sessionName: (_rng, ms) => "botocore-session-" + Math.floor(ms / 1000),
  };
}

/** AWS CLI v2 (the older `Python/… Linux/… command/…` format). */
export function awsCliLegacy(
  opts: { version?: string; platform?: string; exe?: string } = {},
): Sdk {
  const head = `aws-cli/${opts.version ?? "2.13.25"} Python/3.11.5 ${
    opts.platform ?? "Linux/6.5.0-kali3-amd64"
  } exe/${opts.exe ?? "x86_64.kali.2023"} prompt/off command/`;
  return {
    kind: "aws-cli",
    ua: memo((source, name) => head + `${cliService(source)}.${kebab(name)}`),
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    sessionName: (_rng, ms) => "botocore-session-" + Math.floor(ms / 1000),
  };
}

/** AWS SDK for Java 2.x. */
export function javaV2(): Sdk {
  const ua = "aws-sdk-java/2.28.26 Linux/5.10.226-214.879.amzn2.x86_64 " +
    "OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Eclipse_Adoptium io/sync " +
    "http/Apache cfg/retry-mode/legacy";
  return {
    kind: "java-v2",
    ua: () => ua,
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    sessionName: (_rng, ms) => "aws-sdk-java-" + ms,
  };
}

/** Hadoop's S3A connector (aws-sdk-java 1.12). */
export function hadoopS3a(): Sdk {
  const ua = "Hadoop 3.3.6, aws-sdk-java/1.12.599 Linux/5.10.226-214.879.amzn2.x86_64 " +
    "OpenJDK_64-Bit_Server_VM/17.0.13+11 java/17.0.13 scala/2.12.18 vendor/Eclipse_Adoptium " +
    "cfg/retry-mode/legacy";
  return {
    kind: "java-v1",
    ua: () => ua,
    tlsVersion: "TLSv1.2",
    cipherSuite: "ECDHE-RSA-AES128-GCM-SHA256",
    sessionName: (_rng, ms) => "aws-sdk-java-" + ms,
  };
}

/** AWS SDK for JavaScript v3 on Node.js. */
export function jsV3(): Sdk {
  return {
    kind: "js-v3",
    ua: memo((source) =>
      "aws-sdk-js/3.679.0 ua/2.1 os/linux#5.10.226-214.879.amzn2.x86_64 lang/js " +
      `md/nodejs#20.18.0 api/${JS_API[source] ?? source.split(".")[0]}#3.679.0 m/E,J`
    ),
    tlsVersion: "TLSv1.3",
    cipherSuite: "TLS_AES_128_GCM_SHA256",
    sessionName: (_rng, ms) => "aws-sdk-js-session-" + ms,
  };
}

/** A fixed user agent (AWS services calling on someone's behalf, console). */
export function fixedAgent(ua: string, tls?: { version: string; cipher: string }): Sdk {
  return {
    kind: "fixed",
    ua: () => ua,
    tlsVersion: tls?.version ?? "TLSv1.3",
    cipherSuite: tls?.cipher ?? "TLS_AES_128_GCM_SHA256",
    sessionName: (_rng, ms) => String(ms),
  };
}
