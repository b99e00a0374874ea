/**
 * A client (a credential, an SDK, a network position) and `call()`, which
 * turns one API call into a CloudTrail record with the fields real services
 * fill in: event version, read-only flag, TLS host header, request ids,
 * S3 data-event extras, and AccessDenied errors in the real message forms.
 *
 * @module
 */
import type { Rng } from "./_rng.ts";
import type { Session } from "./_identity.ts";
import type { Sdk } from "./_user_agents.ts";
import { tlsJson } from "./_record.ts";
import type { Sim } from "./_sim.ts";

/** Who calls, with what, from where. */
export interface Client {
  session: Session;
  sdk: Sdk;
  rng: Rng;
  /** Public source addresses (one is picked per call). */
  ips: readonly string[];
  /** Private address and gateway endpoint used for S3 (in-VPC clients). */
  privateIp?: string;
  vpce?: string;
  /** Console session: adds `sessionCredentialFromConsole`. */
  console?: boolean;
  /** Called for every record emitted with this client (attack bookkeeping). */
  track?: (eventName: string, denied: boolean, time: number) => void;
  /** Share of calls that fail the way busy production calls do (throttling, missing keys). */
  errorRate?: number;
}

/** The everyday failure a call to `source`'s `name` may hit. */
export function everydayError(source: string, name: string): { code: string; message: string } {
  switch (source) {
    case "ec2.amazonaws.com":
      return { code: "Client.RequestLimitExceeded", message: "Request limit exceeded." };
    case "s3.amazonaws.com":
      return name === "GetObject" || name === "HeadObject"
        ? { code: "NoSuchKey", message: "The specified key does not exist." }
        : { code: "SlowDown", message: "Please reduce your request rate." };
    case "secretsmanager.amazonaws.com":
      return name === "GetSecretValue" || name === "DescribeSecret"
        ? {
          code: "ResourceNotFoundException",
          message: "Secrets Manager can't find the specified secret.",
        }
        : { code: "ThrottlingException", message: "Rate exceeded" };
    case "dynamodb.amazonaws.com":
      return {
        code: "ThrottlingException",
        message:
          "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically " +
          "scaling your table or index so please try again shortly.",
      };
    case "route53.amazonaws.com":
      return { code: "Throttling", message: "Rate exceeded" };
    default:
      return { code: "ThrottlingException", message: "Rate exceeded" };
  }
}

/** One API call. Objects are serialised with `JSON.stringify`. */
export interface Api {
  source: string;
  name: string;
  region: string;
  version?: string;
  req?: unknown;
  resp?: unknown;
  readOnly?: boolean;
  resources?: unknown;
  extra?: unknown;
  /** A data event (S3 objects, DynamoDB items, SQS messages). */
  data?: boolean;
  host?: string;
  apiVersion?: string;
  /** Denied: the IAM action and, when the message names one, the resource. */
  deny?: { action: string; resource?: string; code?: string; style?: DenyStyle };
  /** Any other failure. */
  error?: { code: string; message?: string };
  requestId?: string;
  sharedEventID?: string;
  /** Overrides for service-invoked calls. */
  sourceIPAddress?: string;
  userAgent?: string;
  /** Omit `tlsDetails` (calls made by AWS services). */
  noTls?: boolean;
}

/** How a service words AccessDenied. */
export type DenyStyle = "iam" | "ec2" | "s3" | "plain";

const VERSIONS: Record<string, string> = {
  "ec2.amazonaws.com": "1.09",
  "iam.amazonaws.com": "1.09",
  "sts.amazonaws.com": "1.08",
  "ssm.amazonaws.com": "1.08",
  "secretsmanager.amazonaws.com": "1.09",
  "cloudtrail.amazonaws.com": "1.10",
  "s3.amazonaws.com": "1.10",
  "eks-auth.amazonaws.com": "1.09",
  "eks.amazonaws.com": "1.09",
  "elasticloadbalancing.amazonaws.com": "1.09",
  "route53.amazonaws.com": "1.08",
  "autoscaling.amazonaws.com": "1.09",
  "dynamodb.amazonaws.com": "1.09",
  "sqs.amazonaws.com": "1.09",
  "ecr.amazonaws.com": "1.08",
  "kms.amazonaws.com": "1.08",
  "pricing.amazonaws.com": "1.08",
  "logs.amazonaws.com": "1.08",
};

const READ =
  /^(Describe|List|Get|Head|Lookup|Search|BatchGet|BatchCheck|Query|Scan|Select|Assume|Decrypt|Receive|Filter|Generate|Check)/;

/** The default `clientProvidedHostHeader` for a service in a region. */
export function hostFor(source: string, region: string): string {
  const service = source.slice(0, source.indexOf("."));
  switch (service) {
    case "iam":
    case "route53":
      return `${service}.amazonaws.com`;
    case "eks-auth":
      return `eks-auth.${region}.api.aws`;
    case "ecr":
      return `api.ecr.${region}.amazonaws.com`;
    case "pricing":
      return `api.pricing.${region}.amazonaws.com`;
    default:
      return `${service}.${region}.amazonaws.com`;
  }
}

/** Global services log in us-east-1. */
export function regionFor(source: string, region: string): string {
  return source === "iam.amazonaws.com" || source === "route53.amazonaws.com"
    ? "us-east-1"
    : region;
}

/** The AccessDenied message of a service. */
export function denyMessage(
  arn: string,
  action: string,
  resource: string | undefined,
  style: DenyStyle,
): string {
  const base = `User: ${arn} is not authorized to perform: ${action}` +
    (resource ? ` on resource: ${resource}` : "") +
    ` because no identity-based policy allows the ${action} action`;
  if (style === "ec2") return "You are not authorized to perform this operation. " + base;
  if (style === "plain") return "Access Denied";
  return base;
}

function json(v: unknown): string {
  return v === undefined || v === null ? "null" : typeof v === "string" ? v : JSON.stringify(v);
}

/** S3-style 16-character request id. */
export function s3RequestId(rng: Rng): string {
  return rng.upperAlnum(16);
}

/** Emits one call's record; returns whether it fell inside the window. */
export function call(sim: Sim, c: Client, t: number, a: Api): boolean {
  const rng = c.rng;
  const s3 = a.source === "s3.amazonaws.com";
  const region = a.region;
  let errorCode: string | undefined;
  let errorMessage: string | undefined;
  if (a.deny) {
    const style = a.deny.style ?? "iam";
    errorCode = a.deny.code ?? (style === "ec2" ? "Client.UnauthorizedOperation" : "AccessDenied");
    errorMessage = denyMessage(c.session.arn, a.deny.action, a.deny.resource, style);
  } else if (a.error) {
    errorCode = a.error.code;
    errorMessage = a.error.message;
  } else if (c.errorRate !== undefined && rng.float() < c.errorRate) {
    const e = everydayError(a.source, a.name);
    errorCode = e.code;
    errorMessage = e.message;
  }
  const failed = errorCode !== undefined;
  const useVpce = s3 && c.vpce !== undefined && c.privateIp !== undefined;
  const ip = a.sourceIPAddress ??
    (useVpce ? c.privateIp! : c.ips.length === 1 ? c.ips[0] : c.ips[rng.int(c.ips.length)]);
  const ua = a.userAgent ?? (c.console ? "AWS Internal" : c.sdk.ua(a.source, a.name));
  const ok = sim.emit({
    time: t,
    eventVersion: a.version ?? VERSIONS[a.source] ?? "1.09",
    identity: c.session.identity,
    eventSource: a.source,
    eventName: a.name,
    awsRegion: region,
    sourceIPAddress: ip,
    userAgent: ua,
    errorCode,
    errorMessage,
    requestParameters: json(a.req),
    responseElements: failed ? "null" : json(a.resp),
    additionalEventData: a.extra === undefined ? undefined : json(a.extra),
    requestID: a.requestId ?? (s3 ? s3RequestId(rng) : rng.uuid()),
    eventID: rng.uuid(),
    readOnly: a.readOnly ?? READ.test(a.name),
    resources: a.resources === undefined ? undefined : json(a.resources),
    eventType: "AwsApiCall",
    apiVersion: a.apiVersion,
    managementEvent: !a.data,
    recipientAccountId: c.session.account,
    sharedEventID: a.sharedEventID,
    vpcEndpointId: useVpce ? c.vpce : undefined,
    vpcEndpointAccountId: useVpce ? c.session.account : undefined,
    eventCategory: a.data ? "Data" : "Management",
    tlsDetails: a.noTls ? undefined : tlsJson(
      c.sdk.tlsVersion,
      c.sdk.cipherSuite,
      a.host ?? (c.console ? `${region}.console.aws.amazon.com` : hostFor(a.source, region)),
    ),
    sessionCredentialFromConsole: c.console,
  });
  if (ok && c.track) c.track(a.name, failed, t);
  return ok;
}

/** S3 object-level operations and their IAM actions. */
const S3_ACTIONS: Record<string, string> = {
  GetObject: "s3:GetObject",
  PutObject: "s3:PutObject",
  HeadObject: "s3:GetObject",
  DeleteObject: "s3:DeleteObject",
  ListObjects: "s3:ListBucket",
  CopyObject: "s3:PutObject",
};

/** An S3 data event on `bucket` (and `key` for object operations). */
export function s3Data(
  sim: Sim,
  c: Client,
  t: number,
  o: {
    name: "GetObject" | "PutObject" | "HeadObject" | "DeleteObject" | "ListObjects";
    bucket: string;
    region: string;
    key?: string;
    prefix?: string;
    bytes?: number;
    denied?: boolean;
  },
): boolean {
  const rng = c.rng;
  const host = `${o.bucket}.s3.${o.region}.amazonaws.com`;
  const bucketResource = {
    accountId: c.session.account,
    type: "AWS::S3::Bucket",
    ARN: `arn:aws:s3:::${o.bucket}`,
  };
  let req: Record<string, unknown>;
  let resources: unknown[];
  if (o.name === "ListObjects") {
    req = { "list-type": "2", bucketName: o.bucket, "encoding-type": "url", Host: host };
    if (o.prefix !== undefined) req.prefix = o.prefix;
    resources = [bucketResource];
  } else {
    req = { bucketName: o.bucket, Host: host, key: o.key };
    resources = [
      { type: "AWS::S3::Object", ARN: `arn:aws:s3:::${o.bucket}/${o.key}` },
      bucketResource,
    ];
  }
  const bytesIn = o.name === "PutObject" ? (o.bytes ?? 0) : 0;
  const bytesOut = o.name === "GetObject"
    ? (o.bytes ?? 0)
    : o.name === "ListObjects"
    ? 1800 + rng.int(40000)
    : 0;
  const extra: Record<string, unknown> = {
    SignatureVersion: "SigV4",
    CipherSuite: c.sdk.cipherSuite === "TLS_AES_128_GCM_SHA256"
      ? "TLS_AES_128_GCM_SHA256"
      : "ECDHE-RSA-AES128-GCM-SHA256",
    bytesTransferredIn: bytesIn,
  };
  if (o.name === "PutObject" || o.name === "GetObject" || o.name === "HeadObject") {
    extra.SSEApplied = "Default_SSE_S3";
  }
  extra.AuthenticationMethod = "AuthHeader";
  extra["x-amz-id-2"] = rng.base64(76);
  extra.bytesTransferredOut = bytesOut;
  return call(sim, c, t, {
    source: "s3.amazonaws.com",
    name: o.name,
    region: o.region,
    req,
    resp: o.name === "PutObject" ? { "x-amz-server-side-encryption": "AES256" } : null,
    extra,
    resources,
    data: true,
    readOnly: o.name !== "PutObject" && o.name !== "DeleteObject",
    host,
    deny: o.denied ? { action: S3_ACTIONS[o.name], style: "plain" } : undefined,
  });
}
