/**
 * What of an event's data the report may write: credential secrets are
 * removed before anything is selected ({@linkcode redactSecrets}), then a
 * few request parameters that identify what was touched are picked
 * ({@linkcode pickParams}). The command line is scrubbed likewise
 * ({@linkcode scrubCommand}).
 *
 * @module
 */

/** What replaces a secret. */
export const REDACTED = "[redacted]";

/**
 * Field names whose values are secrets: session tokens, secret access keys,
 * Secrets Manager values, passwords, private keys, registry tokens, SAML
 * assertions, web-identity tokens, KMS plaintext.
 */
const SECRET_KEY =
  /token|password|passphrase|secretaccesskey|secretstring|secretbinary|secretvalue|clientsecret|privatekey|keymaterial|plaintext|samlassertion/i;

/** Keys under `credentials` that are not secret and must survive (the issued key id). */
const CREDENTIAL_KEEP = new Set(["accessKeyId", "expiration"]);

/** Whether a field name holds a secret. */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/**
 * A deep copy of `value` with every secret replaced by `[redacted]`; inside a
 * `credentials` object only `accessKeyId` and `expiration` are kept.
 *
 * @example
 * ```ts
 * import { redactSecrets } from "./_redact.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   redactSecrets({ credentials: { accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "t" } }),
 *   { credentials: { accessKeyId: "ASIA1", secretAccessKey: "[redacted]", sessionToken: "[redacted]" } },
 * );
 * ```
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretKey(k)) out[k] = REDACTED;
    else if (
      /^credentials?$/i.test(k) && v !== null && typeof v === "object" && !Array.isArray(v)
    ) {
      out[k] = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map((
          [ck, cv],
        ) => [ck, CREDENTIAL_KEEP.has(ck) ? redactSecrets(cv, depth + 2) : REDACTED]),
      );
    } else out[k] = redactSecrets(v, depth + 1);
  }
  return out;
}

/** Request parameter names worth a column: what was touched, by name. */
const REQUEST_KEYS = new Set([
  "roleArn",
  "roleName",
  "roleSessionName",
  "policyArn",
  "policyName",
  "versionId",
  "userName",
  "groupName",
  "accessKeyId",
  "secretId",
  "name",
  "names",
  "parameterFilters",
  "path",
  "instanceId",
  "instanceIds",
  "instanceType",
  "imageId",
  "iamInstanceProfile",
  "documentName",
  "target",
  "functionName",
  "bucketName",
  "trailName",
  "detectorId",
  "keyId",
  "repositoryName",
  "clusterName",
  "serviceAccount",
  "namespace",
  "attribute",
  "instanceOSUser",
  "maxResults",
]);

/** Response fields worth showing, by path: what the call created or issued. */
const RESPONSE_PATHS: [string[], string][] = [
  [["credentials", "accessKeyId"], "\u2192 issued key"],
  [["subjectFromWebIdentityToken"], "\u2192 subject"],
  [["accessKey", "accessKeyId"], "\u2192 new access key"],
  [["user", "arn"], "\u2192 new user"],
  [["role", "arn"], "\u2192 new role"],
  [["commandId"], "\u2192 commandId"],
  [["sessionId"], "\u2192 sessionId"],
];

function scalarText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(scalarText).filter((v): v is string => v !== null);
    return parts.length ? parts.join(", ") : null;
  }
  return null;
}

/** Collects allowlisted keys anywhere in `value` (depth-first, at most `max`). */
function collect(value: unknown, path: string, out: [string, string][], max: number, depth = 0) {
  if (out.length >= max || depth > 6 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    const texts = new Map<string, string[]>();
    for (const item of value) {
      if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
      for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
        const t = REQUEST_KEYS.has(k) ? scalarText(v) : null;
        if (t !== null) texts.set(k, [...(texts.get(k) ?? []), t]);
      }
    }
    for (const [k, list] of texts) if (out.length < max) out.push([k, list.join(", ")]);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (out.length >= max) return;
    const t = REQUEST_KEYS.has(k) ? scalarText(v) : null;
    if (t !== null && t !== REDACTED) out.push([k, t]);
    else if (v !== null && typeof v === "object") collect(v, `${path}${k}.`, out, max, depth + 1);
  }
}

/** Clips text to `max` code points. */
export function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars.slice(0, max).join("")}\u2026 (+${chars.length - max} chars)`;
}

/**
 * The request parameters and response fields that matter for an event, from
 * already-redacted data: at most `max` pairs, values clipped to 200 characters.
 * When no known name is present, the first top-level scalar parameters are shown.
 */
export function pickParams(
  requestParameters: unknown,
  responseElements: unknown,
  max = 6,
): [string, string][] {
  const request = redactSecrets(requestParameters);
  const response = redactSecrets(responseElements);
  const out: [string, string][] = [];
  collect(request, "", out, max);
  if (
    out.length === 0 && request !== null && typeof request === "object" && !Array.isArray(request)
  ) {
    for (const [k, v] of Object.entries(request as Record<string, unknown>)) {
      const t = scalarText(v);
      if (t !== null && !isSecretKey(k) && out.length < 3) out.push([k, t]);
    }
  }
  if (response !== null && typeof response === "object") {
    for (const [path, label] of RESPONSE_PATHS) {
      let v: unknown = response;
      for (const p of path) {
        v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
      }
      const t = scalarText(v);
      if (t !== null && t !== REDACTED && out.length < max + 2) out.push([label, t]);
    }
  }
  return out.map(([k, v]) => [k, clipText(v, 200)]);
}

/** Flag names whose value is a secret. */
const SECRET_FLAG = /secret|token|password|passphrase|credential/i;
/** Values that look like secrets: AWS secret keys, session tokens, `NAME=secret` assignments. */
const SECRET_VALUE = /^[A-Za-z0-9/+]{40}$|^[A-Za-z0-9/+=]{100,}$/;

/**
 * The command line with secrets replaced by `[redacted]`: values of flags
 * named like secrets (`--token x`, `--password=x`), `NAME=value` assignments
 * of such names, and values shaped like AWS secret keys or session tokens.
 *
 * @example
 * ```ts
 * import { scrubCommand } from "./_redact.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(scrubCommand(["podtrail", "report", "--token", "abc", "--api-password=x"]),
 *   ["podtrail", "report", "--token", "[redacted]", "--api-password=[redacted]"]);
 * ```
 */
export function scrubCommand(args: readonly string[]): string[] {
  const out: string[] = [];
  let redactNext = false;
  for (const arg of args) {
    if (redactNext) {
      out.push(REDACTED);
      redactNext = false;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (eq > 0 && SECRET_FLAG.test(name)) out.push(`${name}=${REDACTED}`);
    else if (arg.startsWith("-") && SECRET_FLAG.test(arg)) {
      out.push(arg);
      redactNext = true;
    } else if (SECRET_VALUE.test(arg)) out.push(REDACTED);
    else out.push(arg);
  }
  return out;
}
