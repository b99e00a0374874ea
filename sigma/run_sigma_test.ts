import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { ROOT, withTempDir } from "../tests/_helpers.ts";
import { compileSigma } from "./compile_sigma.ts";
import { loadSigmaRules, runSigma } from "./run_sigma.ts";
import { event, lakeOf } from "./_test_lake.ts";

/** SigmaHQ's CloudTrail rules (DRL 1.1), read from the shared folder beside the project. */
const SIGMAHQ = join(ROOT, "..", "shared", "sigma", "sigmahq-aws-cloudtrail");

/** The rules podtrail cannot run, and why (every other rule compiles and runs). */
const EXPECTED_UNSUPPORTED: Record<string, string> = {
  "aws_delete_saml_provider.yml":
    'field "status": "status" is not a CloudTrail record field of the lake',
};

const sso = {
  type: "AssumedRole",
  arn: "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin/alice",
  accessKeyId: "ASIAEXAMPLE",
  sessionContext: { sessionIssuer: { type: "Role", userName: "AWSReservedSSO_Admin" } },
};
const RECORDS = [
  event("stop-logging", { eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging" }),
  event("describe-trails", {
    eventSource: "cloudtrail.amazonaws.com",
    eventName: "DescribeTrails",
  }),
  event("login-no-mfa", {
    eventSource: "signin.amazonaws.com",
    eventName: "ConsoleLogin",
    additionalEventData: { MFAUsed: "No" },
    responseElements: { ConsoleLogin: "Success" },
  }),
  event("login-mfa", {
    eventSource: "signin.amazonaws.com",
    eventName: "ConsoleLogin",
    additionalEventData: { MFAUsed: "Yes" },
    responseElements: { ConsoleLogin: "Success" },
  }),
  event("signin-token", {
    eventSource: "signin.amazonaws.com",
    eventName: "GetSigninToken",
    userAgent: "curl",
  }),
  event("signin-token-sso", {
    eventSource: "signin.amazonaws.com",
    eventName: "GetSigninToken",
    userAgent: "Jersey/${project.version} (HttpUrlConnection 1.8)",
  }),
  event("imds", {
    userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1" },
    eventSource: "s3.amazonaws.com",
    eventName: "ListBuckets",
  }),
  event("imds-ssm", {
    userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1" },
    eventSource: "ssm.amazonaws.com",
    eventName: "UpdateInstanceInformation",
  }),
  event("versioning-off", {
    eventSource: "s3.amazonaws.com",
    eventName: "PutBucketVersioning",
    requestParameters: { bucketName: "b", VersioningConfiguration: { Status: "Suspended" } },
  }),
  event("versioning-on", {
    eventSource: "s3.amazonaws.com",
    eventName: "PutBucketVersioning",
    requestParameters: { bucketName: "b", VersioningConfiguration: { Status: "Enabled" } },
  }),
  event("ecs-creds", {
    userIdentity: sso,
    eventSource: "ecs.amazonaws.com",
    eventName: "RegisterTaskDefinition",
    requestParameters: {
      containerDefinitions: [
        { name: "a", command: ["sh", "-c", "echo hi"] },
        {
          name: "b",
          command: ["sh", "-c", "curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"],
        },
      ],
    },
  }),
  event("ecs-plain", {
    userIdentity: sso,
    eventSource: "ecs.amazonaws.com",
    eventName: "RegisterTaskDefinition",
    requestParameters: { containerDefinitions: [{ name: "a", command: ["sleep", "1"] }] },
  }),
  event("update-self", {
    userIdentity: { type: "IAMUser", arn: "arn:aws:iam::1:user/bob", userName: "bob" },
    eventSource: "iam.amazonaws.com",
    eventName: "UpdateLoginProfile",
    requestParameters: { userName: "mallory" },
  }),
  event("root", {
    userIdentity: { type: "Root", arn: "arn:aws:iam::1:root" },
    eventSource: "s3.amazonaws.com",
    eventName: "CreateBucket",
  }),
];

Deno.test("every SigmaHQ CloudTrail rule compiles, or is reported with its reason", async () => {
  const { rules, unsupported } = await loadSigmaRules([SIGMAHQ]);
  assert.deepEqual(unsupported, []);
  assert.equal(rules.length, 57);
  const failed: Record<string, string> = {};
  for (const rule of rules) {
    const c = compileSigma(rule, { rules });
    if (c.kind === "unsupported") failed[basename(rule.file)] = `${c.construct}: ${c.reason}`;
  }
  assert.deepEqual(failed, EXPECTED_UNSUPPORTED);
});

Deno.test("runSigma() runs the SigmaHQ rules over a fixture lake", async (t) => {
  await withTempDir(async (dir) => {
    const lake = await lakeOf(dir, RECORDS);
    const result = await runSigma({ rules: [SIGMAHQ], lake });
    const byTitle = new Map<string, string[]>();
    for (const m of result.matches) {
      byTitle.set(m.title, [...(byTitle.get(m.title) ?? []), m.eventID].sort());
    }
    await t.step("56 rules ran; the unsupported one is reported with its file", () => {
      assert.equal(result.ran, 56);
      assert.deepEqual(
        result.unsupported.map((u) => [basename(u.file), u.construct]),
        [["aws_delete_saml_provider.yml", 'field "status"']],
      );
    });
    await t.step("events that must match do, and their neighbours do not", () => {
      assert.deepEqual(byTitle.get("AWS CloudTrail Important Change"), ["stop-logging"]);
      assert.deepEqual(byTitle.get("AWS Successful Console Login Without MFA"), ["login-no-mfa"]);
      assert.deepEqual(byTitle.get("AWS Console GetSigninToken Potential Abuse"), ["signin-token"]);
      assert.deepEqual(
        byTitle.get("Malicious Usage Of IMDS Credentials Outside Of AWS Infrastructure"),
        [
          "imds",
        ],
      );
      assert.deepEqual(byTitle.get("AWS S3 Bucket Versioning Disable"), ["versioning-off"]);
      assert.deepEqual(
        byTitle.get("AWS ECS Task Definition That Queries The Credential Endpoint"),
        ["ecs-creds"],
      );
      assert.deepEqual(byTitle.get("AWS User Login Profile Was Modified"), ["update-self"]);
      assert.deepEqual(byTitle.get("AWS Root Credentials"), ["root"]);
    });
  });
});

Deno.test("runSigma() honours generate, and reports files it cannot parse", async (t) => {
  await withTempDir(async (dir) => {
    const lake = await lakeOf(dir, RECORDS);
    const rules = join(dir, "rules");
    await Deno.mkdir(join(rules, "sub"), { recursive: true });
    const base = "title: Stop\nname: stop\nlogsource: {product: aws, service: cloudtrail}\n" +
      "detection: {sel: {eventName: StopLogging}, condition: sel}\n";
    const corr = (generate: boolean) =>
      `title: Corr\ncorrelation: {type: event_count, rules: [stop], group-by: [eventSource], timespan: 1h, ` +
      `condition: {gte: 1}}\ngenerate: ${generate}\n---\n${base}`;
    await Deno.writeTextFile(join(rules, "a.yml"), corr(false));
    await Deno.writeTextFile(join(rules, "sub", "bad.yaml"), "title: [unclosed\n");
    await Deno.writeTextFile(join(rules, "notes.txt"), "not a rule");
    await t.step("a referred rule does not report its own matches by default", async () => {
      const r = await runSigma({ rules: [rules], lake });
      assert.deepEqual(r.matches, []);
      assert.equal(r.correlations.length, 1);
      assert.deepEqual(r.correlations[0].group, { eventSource: "cloudtrail.amazonaws.com" });
      assert.deepEqual(r.correlations[0].eventIDs, ["stop-logging"]);
      assert.deepEqual(r.unsupported.map((u) => [basename(u.file), u.construct]), [[
        "bad.yaml",
        "YAML",
      ]]);
      assert.match(r.unsupported[0].reason, /at line 2, column 1$/);
    });
    await t.step("generate: true makes it report them too", async () => {
      await Deno.writeTextFile(join(rules, "a.yml"), corr(true));
      const r = await runSigma({ rules: [join(rules, "a.yml")], lake });
      assert.deepEqual(r.matches.map((m) => m.eventID), ["stop-logging"]);
      assert.equal(r.correlations.length, 1);
    });
    await t.step("a missing path is an error", async () => {
      await assert.rejects(runSigma({ rules: [join(dir, "nope")], lake }), Deno.errors.NotFound);
    });
  });
});
