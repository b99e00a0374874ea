/**
 * Shape checks for CloudTrail records: required fields and their types,
 * time/ID/ARN/key formats, `userIdentity` forms per type, and the
 * consistency real records show (principal ids match ARNs, STS responses
 * match requests, data events carry resources). The same checks run over
 * the real samples in the tests, so they encode what real records look like.
 *
 * @module
 */

type Json = Record<string, unknown>;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]+(-[a-z]+)+-\d+[a-z]?$/;
const SESSION_KEY = /^ASIA[A-Z0-9]{16}$/;
const ANY_KEY = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const ROLE_ID = /^AROA[A-Z0-9]{16,17}$/;
const USER_ID = /^AIDA[A-Z0-9]{16,17}$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;
const SERVICE = /^[a-z0-9.-]+\.amazonaws\.com$/;
const EXPIRATION = /^[A-Z][a-z]{2} \d{1,2}, \d{4},? \d{1,2}:\d{2}:\d{2} (AM|PM)$/;
const EVENT_TYPES = new Set([
  "AwsApiCall",
  "AwsServiceEvent",
  "AwsConsoleAction",
  "AwsConsoleSignIn",
  "AwsCloudTrailInsight",
]);

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
  str(o: Json, key: string, path: string, re?: RegExp, required = true): string | undefined {
    const v = o[key];
    if (v === undefined) {
      if (required) this.add(`${path}.${key}`, "missing");
      return undefined;
    }
    if (typeof v !== "string") {
      this.add(`${path}.${key}`, `expected a string, got ${JSON.stringify(v)}`);
      return undefined;
    }
    if (re && !re.test(v)) this.add(`${path}.${key}`, `bad format ${JSON.stringify(v)}`);
    return v;
  }
  bool(o: Json, key: string, path: string, required = true): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.add(`${path}.${key}`, "missing");
    } else if (typeof v !== "boolean") {
      this.add(`${path}.${key}`, `expected a boolean, got ${JSON.stringify(v)}`);
    }
  }
}

function versionAtLeast(v: unknown, min: number): boolean {
  return typeof v === "string" && Number(v) >= min;
}

function checkSessionContext(
  p: Problems,
  ctx: unknown,
  path: string,
  principalId?: string,
  arn?: string,
): void {
  if (!isObject(ctx)) return p.add(path, "expected an object");
  const issuer = ctx.sessionIssuer;
  if (issuer !== undefined) {
    if (!isObject(issuer)) p.add(`${path}.sessionIssuer`, "expected an object");
    else if (Object.keys(issuer).length > 0) {
      const ip = `${path}.sessionIssuer`;
      const type = p.str(issuer, "type", ip, /^(Role|IAMUser|Root)$/);
      const id = p.str(issuer, "principalId", ip, type === "Role" ? ROLE_ID : undefined);
      const issuerArn = p.str(
        issuer,
        "arn",
        ip,
        type === "Role" ? /^arn:aws:iam::\d{12}:role\/.+$/ : /^arn:aws:iam::\d{12}:/,
      );
      p.str(issuer, "accountId", ip, ACCOUNT);
      const user = p.str(issuer, "userName", ip, undefined, type !== "Root");
      if (type === "Role" && issuerArn && user && !issuerArn.endsWith(`/${user}`)) {
        p.add(`${ip}.userName`, `"${user}" is not the role in ${issuerArn}`);
      }
      if (type === "Role" && principalId && id && !principalId.startsWith(id + ":")) {
        p.add(`${path}`, `principalId ${principalId} is not ${id}:<session>`);
      }
      if (type === "Role" && arn && user && !arn.includes(`:assumed-role/${user}/`)) {
        p.add(`${path}`, `arn ${arn} is not a session of ${user}`);
      }
    }
  }
  const web = ctx.webIdFederationData;
  if (web !== undefined) {
    if (!isObject(web)) p.add(`${path}.webIdFederationData`, "expected an object");
    else if (Object.keys(web).length > 0) {
      p.str(
        web,
        "federatedProvider",
        `${path}.webIdFederationData`,
        /^(arn:aws:iam::\d{12}:oidc-provider\/.+|[a-z0-9.-]+)$/,
      );
      if (!isObject(web.attributes)) {
        p.add(`${path}.webIdFederationData.attributes`, "expected an object");
      }
    }
  }
  const attributes = ctx.attributes;
  if (!isObject(attributes)) p.add(`${path}.attributes`, "expected an object");
  else {
    p.str(attributes, "creationDate", `${path}.attributes`, ISO);
    p.str(attributes, "mfaAuthenticated", `${path}.attributes`, /^(true|false)$/);
  }
  if (ctx.ec2RoleDelivery !== undefined) p.str(ctx, "ec2RoleDelivery", path, /^[12]\.0$/);
}

function checkIdentity(p: Problems, ui: unknown, eventType: unknown): void {
  const path = "userIdentity";
  if (!isObject(ui)) return p.add(path, "expected an object");
  const type = ui.type;
  if (ui.invokedBy !== undefined) {
    p.str(ui, "invokedBy", path, /^([a-z0-9.-]+\.amazonaws\.com|AWS Internal)$/);
  }
  switch (type) {
    case "AssumedRole": {
      const arn = p.str(ui, "arn", path, /^arn:aws:sts::\d{12}:assumed-role\/[^/]+\/.+$/);
      const principalId = p.str(ui, "principalId", path, /^AROA[A-Z0-9]{16,17}:.+$/);
      if (
        arn && principalId &&
        arn.slice(arn.lastIndexOf("/") + 1) !== principalId.slice(principalId.indexOf(":") + 1)
      ) {
        p.add(`${path}.principalId`, `session of ${principalId} does not match ${arn}`);
      }
      p.str(ui, "accountId", path, ACCOUNT);
      p.str(ui, "accessKeyId", path, SESSION_KEY, false);
      if (ui.sessionContext !== undefined) {
        checkSessionContext(p, ui.sessionContext, `${path}.sessionContext`, principalId, arn);
      }
      return;
    }
    case "IAMUser":
      p.str(ui, "principalId", path, USER_ID);
      p.str(ui, "arn", path, /^arn:aws:iam::\d{12}:user\/.+$/);
      p.str(ui, "accountId", path, ACCOUNT);
      p.str(ui, "accessKeyId", path, ANY_KEY, false);
      p.str(ui, "userName", path);
      return;
    case "WebIdentityUser": {
      const provider = p.str(ui, "identityProvider", path);
      const principalId = p.str(ui, "principalId", path);
      const user = p.str(ui, "userName", path);
      if (provider && principalId && !principalId.startsWith(provider + ":")) {
        p.add(`${path}.principalId`, `does not start with the identityProvider ${provider}`);
      }
      if (user && principalId && !principalId.endsWith(":" + user)) {
        p.add(`${path}.principalId`, `does not end with the userName ${user}`);
      }
      return;
    }
    case "AWSService":
      p.str(ui, "invokedBy", path, SERVICE);
      return;
    case "FederatedUser":
      p.str(ui, "principalId", path, /^\d{12}:.+$/);
      p.str(ui, "arn", path, /^arn:aws:sts::\d{12}:federated-user\/.+$/);
      p.str(ui, "accountId", path, ACCOUNT);
      p.str(ui, "accessKeyId", path, SESSION_KEY, false);
      if (ui.sessionContext !== undefined) {
        checkSessionContext(p, ui.sessionContext, `${path}.sessionContext`);
      }
      return;
    case "Root":
      p.str(ui, "arn", path, /^arn:aws:iam::\d{12}:root$/);
      p.str(ui, "accountId", path, ACCOUNT);
      return;
    case "AWSAccount":
      p.str(ui, "accountId", path, ACCOUNT);
      return;
    case undefined:
      if (eventType !== "AwsServiceEvent") p.add(`${path}.type`, "missing");
      else {
        p.str(ui, "accountId", path, ACCOUNT);
        p.str(ui, "invokedBy", path, SERVICE);
      }
      return;
    default:
      p.add(`${path}.type`, `unknown type ${JSON.stringify(type)}`);
  }
}

function checkCredentialResponse(p: Problems, r: Json): void {
  const resp = r.responseElements;
  const req = r.requestParameters;
  if (r.errorCode !== undefined || !isObject(resp)) return;
  const creds = resp.credentials;
  if (!isObject(creds)) return p.add("responseElements.credentials", "missing");
  p.str(creds, "accessKeyId", "responseElements.credentials", SESSION_KEY);
  p.str(creds, "sessionToken", "responseElements.credentials");
  p.str(creds, "expiration", "responseElements.credentials", EXPIRATION);
  const user = resp.assumedRoleUser;
  if (!isObject(user)) return p.add("responseElements.assumedRoleUser", "missing");
  const id = p.str(
    user,
    "assumedRoleId",
    "responseElements.assumedRoleUser",
    /^AROA[A-Z0-9]{16,17}:.+$/,
  );
  const arn = p.str(
    user,
    "arn",
    "responseElements.assumedRoleUser",
    /^arn:aws:sts::\d{12}:assumed-role\/[^/]+\/.+$/,
  );
  if (isObject(req) && typeof req.roleSessionName === "string") {
    if (id && !id.endsWith(":" + req.roleSessionName)) {
      p.add(
        "responseElements.assumedRoleUser.assumedRoleId",
        "does not name the requested session",
      );
    }
    if (arn && !arn.endsWith("/" + req.roleSessionName)) {
      p.add("responseElements.assumedRoleUser.arn", "does not name the requested session");
    }
  }
  if (isObject(req) && typeof req.roleArn === "string" && arn) {
    const role = req.roleArn.slice(req.roleArn.lastIndexOf("/") + 1);
    if (!arn.includes(`:assumed-role/${role}/`)) {
      p.add("responseElements.assumedRoleUser.arn", `is not a session of ${role}`);
    }
  }
  if (r.eventName === "AssumeRoleWithWebIdentity") {
    const ui = r.userIdentity as Json;
    if (resp.subjectFromWebIdentityToken !== ui.userName) {
      p.add("responseElements.subjectFromWebIdentityToken", "differs from userIdentity.userName");
    }
    if (resp.provider !== ui.identityProvider) {
      p.add("responseElements.provider", "differs from userIdentity.identityProvider");
    }
    p.str(resp, "audience", "responseElements");
  }
}

/**
 * Problems with one CloudTrail record (empty when it has a real record's shape).
 *
 * @example
 * ```ts
 * import { checkRecord } from "./_shape_check.ts";
 * console.log(checkRecord({ eventVersion: "1.08" }).length > 0); // true
 * ```
 */
export function checkRecord(record: unknown): string[] {
  const p = new Problems();
  if (!isObject(record)) return ["record: expected an object"];
  const r = record;
  const v = p.str(r, "eventVersion", "record", /^1\.\d{2}$/);
  checkIdentity(p, r.userIdentity, r.eventType);
  p.str(r, "eventTime", "record", ISO);
  p.str(r, "eventSource", "record", SERVICE);
  p.str(r, "eventName", "record", /^[A-Za-z0-9]+$/);
  p.str(r, "awsRegion", "record", REGION);
  const ip = p.str(r, "sourceIPAddress", "record");
  if (
    ip !== undefined && !IPV4.test(ip) && !IPV6.test(ip) && !SERVICE.test(ip) &&
    ip !== "AWS Internal"
  ) {
    p.add("record.sourceIPAddress", `bad format ${JSON.stringify(ip)}`);
  }
  p.str(r, "userAgent", "record", undefined, false);
  if (r.errorCode !== undefined) p.str(r, "errorCode", "record", /^[A-Za-z.]+$/);
  if (r.errorMessage !== undefined) p.str(r, "errorMessage", "record");
  for (const key of ["requestParameters", "responseElements"]) {
    if (!(key in r)) p.add(`record.${key}`, "missing");
    else if (r[key] !== null && !isObject(r[key])) {
      p.add(`record.${key}`, "expected an object or null");
    }
  }
  if (r.additionalEventData !== undefined && !isObject(r.additionalEventData)) {
    p.add("record.additionalEventData", "expected an object");
  }
  const eventType = p.str(r, "eventType", "record");
  if (eventType !== undefined && !EVENT_TYPES.has(eventType)) {
    p.add("record.eventType", `unknown ${eventType}`);
  }
  if (eventType === "AwsApiCall") p.str(r, "requestID", "record");
  else p.str(r, "requestID", "record", undefined, false);
  p.str(r, "eventID", "record", UUID);
  p.bool(r, "readOnly", "record", eventType === "AwsApiCall" && versionAtLeast(v, 1.06));
  p.bool(r, "managementEvent", "record", versionAtLeast(v, 1.06));
  p.str(r, "recipientAccountId", "record", ACCOUNT, versionAtLeast(v, 1.06));
  const category = p.str(
    r,
    "eventCategory",
    "record",
    /^(Management|Data|Insight)$/,
    versionAtLeast(v, 1.07),
  );
  if (
    category !== undefined && typeof r.managementEvent === "boolean" &&
    (category === "Management") !== r.managementEvent
  ) {
    p.add("record.managementEvent", `inconsistent with eventCategory ${category}`);
  }
  if (r.sharedEventID !== undefined) p.str(r, "sharedEventID", "record", UUID);
  if (r.vpcEndpointId !== undefined) p.str(r, "vpcEndpointId", "record", /^vpce-[0-9a-z]+$/);
  if (r.sessionCredentialFromConsole !== undefined) {
    p.str(r, "sessionCredentialFromConsole", "record", /^true$/);
  }
  if (r.tlsDetails !== undefined) {
    if (!isObject(r.tlsDetails)) p.add("record.tlsDetails", "expected an object");
    else {
      p.str(r.tlsDetails, "tlsVersion", "record.tlsDetails", /^TLSv1(\.[0-3])?$/);
      p.str(r.tlsDetails, "cipherSuite", "record.tlsDetails", /^[A-Z0-9_-]+$/);
      p.str(r.tlsDetails, "clientProvidedHostHeader", "record.tlsDetails", /^[a-z0-9.-]+$/);
    }
  }
  if (r.resources !== undefined) {
    if (!Array.isArray(r.resources)) p.add("record.resources", "expected an array");
    else {
      r.resources.forEach((res, i) => {
        if (!isObject(res)) return p.add(`record.resources[${i}]`, "expected an object");
        p.str(res, "ARN", `record.resources[${i}]`, /^arn:aws:/, false);
        p.str(res, "accountId", `record.resources[${i}]`, ACCOUNT, false);
        p.str(res, "type", `record.resources[${i}]`, /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, false);
      });
    }
  }
  if (category === "Data" && (!Array.isArray(r.resources) || r.resources.length === 0)) {
    p.add("record.resources", "a data event names its resources");
  }
  if (r.eventSource === "s3.amazonaws.com" && category === "Data") {
    const extra = r.additionalEventData;
    if (
      !isObject(extra) || typeof extra.bytesTransferredIn !== "number" ||
      typeof extra.bytesTransferredOut !== "number"
    ) {
      p.add("record.additionalEventData", "an S3 data event has bytesTransferredIn/Out numbers");
    }
  }
  if (
    r.eventSource === "sts.amazonaws.com" &&
    (r.eventName === "AssumeRole" || r.eventName === "AssumeRoleWithWebIdentity" ||
      r.eventName === "AssumeRoleWithSAML")
  ) checkCredentialResponse(p, r);
  return p.list;
}
