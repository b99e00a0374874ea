import assert from "node:assert/strict";
import { parseAllowlist } from "./allowlist.ts";
import { InputSyntaxError } from "../errors.ts";

Deno.test("parseAllowlist() reads principals and actions", async (t) => {
  await t.step("service accounts, roles, wildcards", () => {
    const entries = parseAllowlist(
      "principal,eventName,eventSource\n" +
        "karpenter/karpenter,*,ec2.amazonaws.com\n" +
        "system:serviceaccount:external-secrets:external-secrets,GetSecretValue,\n" +
        "arn:aws:iam::111122223333:role/prod-east-velero,CreateSnapshot,ec2.amazonaws.com\n" +
        "backup-runner,DescribeInstances,\n" +
        "*,RunInstances+PassRole,*\n",
      "allow.csv",
    );
    assert.deepEqual(entries, [
      { principal: "karpenter/karpenter", eventName: "*", eventSource: "ec2.amazonaws.com" },
      {
        principal: "external-secrets/external-secrets",
        eventName: "GetSecretValue",
        eventSource: "*",
      },
      {
        principal: "arn:aws:iam::111122223333:role/prod-east-velero",
        eventName: "CreateSnapshot",
        eventSource: "ec2.amazonaws.com",
      },
      { principal: "backup-runner", eventName: "DescribeInstances", eventSource: "*" },
      { principal: "*", eventName: "RunInstances+PassRole", eventSource: "*" },
    ]);
  });

  await t.step("the eventSource column is optional", () => {
    assert.deepEqual(parseAllowlist("principal,eventName\nweb/app,ListRoles\n", "a.csv"), [
      { principal: "web/app", eventName: "ListRoles", eventSource: "*" },
    ]);
  });

  await t.step("bad values are refused with their line", () => {
    for (
      const [text, message] of [
        ["principal,eventName\nWeb App!,ListRoles\n", /line 2: principal "Web App!"/],
        ["principal,eventName\nweb/app,List Roles\n", /line 2: bad eventName/],
        ["principal,eventName,eventSource\nweb/app,X,iam\n", /line 2: bad eventSource/],
        ["principal\nweb/app\n", /lacks column "eventName"/],
      ] as const
    ) {
      assert.throws(() => parseAllowlist(text, "a.csv"), (e: unknown) => {
        assert.ok(e instanceof InputSyntaxError);
        assert.match(e.message, message);
        return true;
      });
    }
  });
});
