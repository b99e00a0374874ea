/**
 * Test helpers: temporary folders, running the CLI in-process or as a
 * subprocess, and synthetic CloudTrail records.
 *
 * @module
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runCli } from "../cli/program.ts";

/** The project root. */
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** The real CloudTrail samples (read-only, outside the project). */
export const REAL_SAMPLES = join(ROOT, "..", "shared", "samples", "real");

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "podtrail-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Runs the CLI in this process and captures its output. */
export async function cli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}

/** The permission flags of `deno task podtrail` (what users run), read from deno.json. */
export const CLI_PERMISSIONS: string[] = (() => {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  return String(config.tasks.podtrail).split(/\s+/).filter((a) => a.startsWith("--allow-"));
})();

/** Runs `main.ts` as a real subprocess with the CLI's own permissions (exit codes, signals). */
export function spawnCli(args: string[], options: { env?: Record<string, string> } = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, "--quiet", join(ROOT, "main.ts"), ...args],
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  });
}

/** A realistic CloudTrail record; `over` replaces fields. */
export function record(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const minute = String(i % 60).padStart(2, "0");
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEROLEID0001:botocore-session-1762336800",
      arn: "arn:aws:sts::111122223333:assumed-role/app-role/botocore-session-1762336800",
      accountId: "111122223333",
      accessKeyId: "ASIAEXAMPLEKEY000001",
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: "AROAEXAMPLEROLEID0001",
          arn: "arn:aws:iam::111122223333:role/app-role",
          accountId: "111122223333",
          userName: "app-role",
        },
        attributes: { creationDate: "2026-11-05T10:00:00Z", mfaAuthenticated: "false" },
      },
    },
    eventTime: `2026-11-05T10:${minute}:00Z`,
    eventSource: "iam.amazonaws.com",
    eventName: "ListUsers",
    awsRegion: "us-east-1",
    sourceIPAddress: "198.51.100.7",
    userAgent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64",
    requestParameters: null,
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: "111122223333",
    eventCategory: "Management",
    ...over,
  };
}

/** Writes `{"Records":[…]}` (gzip when the name ends in .gz). */
export async function writeRecords(path: string, records: unknown[]): Promise<void> {
  const text = JSON.stringify({ Records: records });
  if (path.endsWith(".gz")) await Deno.writeFile(path, gzipSync(text));
  else await Deno.writeTextFile(path, text);
}
