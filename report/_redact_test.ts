import assert from "node:assert/strict";
import { pickParams, REDACTED, redactSecrets, scrubCommand } from "./_redact.ts";

Deno.test("redactSecrets() removes credential secrets at any depth", async (t) => {
  await t.step("issued credentials keep only the key id and expiration", () => {
    const out = redactSecrets({
      credentials: {
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2lu",
        expiration: "Nov 5, 2026",
        somethingNew: "x",
      },
    });
    assert.deepEqual(out, {
      credentials: {
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: REDACTED,
        sessionToken: REDACTED,
        expiration: "Nov 5, 2026",
        somethingNew: REDACTED,
      },
    });
  });
  await t.step("secret values, passwords, tokens, private keys", () => {
    const out = JSON.stringify(redactSecrets({
      SecretString: "s1",
      SecretBinary: "s2",
      list: [{ accessKey: { secretAccessKey: "s3" } }, { password: "s4" }],
      authorizationData: [{ authorizationToken: "s5" }],
      keyPair: { privateKey: "s6", keyMaterial: "s7" },
      plaintext: "s8",
      secretId: "prod/db",
    }));
    for (const secret of ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"]) {
      assert.ok(!out.includes(`"${secret}"`), secret);
    }
    assert.ok(out.includes("prod/db"));
  });
});

Deno.test("pickParams() selects what was touched, never secrets", async (t) => {
  await t.step("names of roles, policies, secrets and instances", () => {
    assert.deepEqual(
      pickParams({ userName: "bob", policyArn: "arn:aws:iam::aws:policy/Admin", Host: "x" }, null),
      [["userName", "bob"], ["policyArn", "arn:aws:iam::aws:policy/Admin"]],
    );
    assert.deepEqual(
      pickParams({ instancesSet: { items: [{ instanceId: "i-1" }, { instanceId: "i-2" }] } }, null),
      [[
        "instanceId",
        "i-1, i-2",
      ]],
    );
    assert.deepEqual(pickParams({ instanceIds: ["i-1", "i-2"] }, null), [[
      "instanceIds",
      "i-1, i-2",
    ]]);
  });
  await t.step("issued keys from responses", () => {
    assert.deepEqual(
      pickParams({ roleArn: "arn:r" }, {
        credentials: { accessKeyId: "ASIA2", sessionToken: "t" },
      }),
      [["roleArn", "arn:r"], ["\u2192 issued key", "ASIA2"]],
    );
  });
  await t.step("unknown shapes fall back to top-level scalars, minus secrets", () => {
    assert.deepEqual(pickParams({ foo: "1", sessionToken: "t", bar: 2 }, null), [["foo", "1"], [
      "bar",
      "2",
    ]]);
  });
  await t.step("long values are clipped", () => {
    const [[, v]] = pickParams({ userName: "x".repeat(500) }, null);
    assert.ok(v.length < 230 && v.includes("(+300 chars)"));
  });
  await t.step("nothing for null", () => {
    assert.deepEqual(pickParams(null, null), []);
  });
});

Deno.test("scrubCommand() redacts secret flags and secret-shaped values", () => {
  assert.deepEqual(
    scrubCommand([
      "podtrail",
      "report",
      "--lake",
      "./lake",
      "--token",
      "abc",
      "--db-password=hunter2",
      "AWS_SECRET_ACCESS_KEY=x",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ]),
    [
      "podtrail",
      "report",
      "--lake",
      "./lake",
      "--token",
      REDACTED,
      `--db-password=${REDACTED}`,
      `AWS_SECRET_ACCESS_KEY=${REDACTED}`,
      REDACTED,
    ],
  );
});
