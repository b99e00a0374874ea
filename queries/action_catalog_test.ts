import assert from "node:assert/strict";
import { CATEGORIES, DEFAULT_CATALOG, mergeCatalog, parseActionCatalog } from "./action_catalog.ts";
import { InputSyntaxError } from "../errors.ts";
import { ELASTIC_ACTIONS } from "./_elastic_actions.ts";

const category = (eventSource: string, eventName: string) =>
  DEFAULT_CATALOG.find((e) => e.eventSource === eventSource && e.eventName === eventName)?.category;

Deno.test("DEFAULT_CATALOG covers Elastic's list and the seed's categories", async (t) => {
  await t.step("every action of Elastic's rule is sensitive", () => {
    for (const name of ELASTIC_ACTIONS) {
      const e = DEFAULT_CATALOG.find((x) => x.eventName === name);
      assert.ok(e && (CATEGORIES as readonly string[]).includes(e.category), name);
    }
  });

  await t.step("the categories the seed names", () => {
    const expect: [string, string, string][] = [
      ["iam.amazonaws.com", "CreatePolicyVersion", "iam-escalation"],
      ["iam.amazonaws.com", "AttachUserPolicy", "iam-escalation"],
      ["iam.amazonaws.com", "PutUserPolicy", "iam-escalation"],
      ["iam.amazonaws.com", "UpdateAssumeRolePolicy", "iam-escalation"],
      ["ec2.amazonaws.com", "RunInstances+PassRole", "iam-escalation"],
      ["iam.amazonaws.com", "CreateUser", "identity-creation"],
      ["iam.amazonaws.com", "CreateRole", "identity-creation"],
      ["iam.amazonaws.com", "CreateAccessKey", "identity-creation"],
      ["iam.amazonaws.com", "CreateLoginProfile", "identity-creation"],
      ["ssm.amazonaws.com", "SendCommand", "lateral-movement"],
      ["ssm.amazonaws.com", "StartSession", "lateral-movement"],
      ["ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", "lateral-movement"],
      ["ec2.amazonaws.com", "RunInstances", "compute-creation"],
      ["lambda.amazonaws.com", "CreateFunction20150331", "compute-creation"],
      ["cloudtrail.amazonaws.com", "StopLogging", "defence-evasion"],
      ["cloudtrail.amazonaws.com", "DeleteTrail", "defence-evasion"],
      ["cloudtrail.amazonaws.com", "UpdateTrail", "defence-evasion"],
      ["cloudtrail.amazonaws.com", "PutEventSelectors", "defence-evasion"],
      ["guardduty.amazonaws.com", "DeleteDetector", "defence-evasion"],
      ["secretsmanager.amazonaws.com", "GetSecretValue", "credential-access"],
      ["s3.amazonaws.com", "GetObject", "data-plane"],
      ["s3.amazonaws.com", "PutObject", "data-plane"],
      ["s3.amazonaws.com", "HeadObject", "data-plane"],
      ["s3.amazonaws.com", "DeleteObject", "data-plane"],
      ["s3.amazonaws.com", "ListObjects", "data-plane"],
    ];
    for (const [source, name, cat] of expect) assert.equal(category(source, name), cat, name);
  });

  await t.step("no duplicate entries", () => {
    const keys = DEFAULT_CATALOG.map((e) => `${e.eventSource} ${e.eventName}`);
    assert.equal(new Set(keys).size, keys.length);
  });
});

Deno.test("parseActionCatalog() and mergeCatalog() add, replace and remove entries", () => {
  const overrides = parseActionCatalog(
    "eventSource,eventName,category\n" +
      "route53.amazonaws.com,ChangeResourceRecordSets,defence-evasion\n" +
      "sts.amazonaws.com,GetCallerIdentity,none\n" +
      "ssm.amazonaws.com,SendCommand,reconnaissance\n",
    "mine.csv",
  );
  const merged = mergeCatalog(DEFAULT_CATALOG, overrides);
  const find = (s: string, n: string) =>
    merged.find((e) => e.eventSource === s && e.eventName === n)?.category;
  assert.equal(find("route53.amazonaws.com", "ChangeResourceRecordSets"), "defence-evasion");
  assert.equal(find("sts.amazonaws.com", "GetCallerIdentity"), undefined);
  assert.equal(find("ssm.amazonaws.com", "SendCommand"), "reconnaissance");
  assert.equal(merged.length, DEFAULT_CATALOG.length);
  for (
    const bad of [
      "eventSource,eventName,category\niam,ListUsers,reconnaissance\n",
      "eventSource,eventName,category\niam.amazonaws.com,List Users,reconnaissance\n",
      "eventSource,eventName,category\niam.amazonaws.com,ListUsers,scary\n",
    ]
  ) {
    assert.throws(() => parseActionCatalog(bad, "bad.csv"), InputSyntaxError);
  }
});
