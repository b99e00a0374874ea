import assert from "node:assert/strict";
import { withTempDir } from "../tests/_helpers.ts";
import type { LakeDb } from "../queries/open_lake.ts";
import { compileSigma } from "./compile_sigma.ts";
import { parseSigma } from "./parse_sigma.ts";
import { event, lakeOf, openForSigma, rowsOf } from "./_test_lake.ts";

const at = (hm: string) => `2026-11-05T${hm}Z`;
const call = (id: string, key: string, time: string, eventName = "ListBuckets", over = {}) =>
  event(id, {
    eventTime: at(time),
    eventName,
    userIdentity: {
      type: "AssumedRole",
      arn: `arn:aws:sts::1:assumed-role/r/${key}`,
      accessKeyId: key,
    },
    ...over,
  });
const login = (id: string, user: string, time: string, ok: boolean) =>
  event(id, {
    eventTime: at(time),
    eventSource: "signin.amazonaws.com",
    eventName: "ConsoleLogin",
    userIdentity: { type: "IAMUser", userName: user, arn: `arn:aws:iam::1:user/${user}` },
    errorMessage: ok ? null : "Failed authentication",
    responseElements: { ConsoleLogin: ok ? "Success" : "Failure" },
  });

const RECORDS = [
  // event_count, 3 events, 1h: 59 minutes match, 61 do not, exactly 60 match (both ends included).
  call("ec59-1", "EC59", "10:00:00"),
  call("ec59-2", "EC59", "10:30:00"),
  call("ec59-3", "EC59", "10:59:00"),
  call("ec61-1", "EC61", "10:00:00"),
  call("ec61-2", "EC61", "10:30:00"),
  call("ec61-3", "EC61", "11:01:00"),
  call("ec60-1", "EC60", "10:00:00"),
  call("ec60-2", "EC60", "10:30:00"),
  call("ec60-3", "EC60", "11:00:00"),
  // 40 minutes across the 11:00 boundary: fixed hourly buckets would see 1 + 2 and miss it.
  call("ecst-1", "ECST", "10:40:00"),
  call("ecst-2", "ECST", "11:05:00"),
  call("ecst-3", "ECST", "11:20:00"),
  // Pairs within the hour but never three: a window does not chain.
  call("ecsl-1", "ECSL", "10:00:00"),
  call("ecsl-2", "ECSL", "10:50:00"),
  call("ecsl-3", "ECSL", "11:40:00"),
  // Five in 30 minutes: overlapping windows merge into one result.
  call("ecmg-1", "ECMG", "12:00:00"),
  call("ecmg-2", "ECMG", "12:05:00"),
  call("ecmg-3", "ECMG", "12:10:00"),
  call("ecmg-4", "ECMG", "12:20:00"),
  call("ecmg-5", "ECMG", "12:30:00"),
  // value_count: distinct eventNames.
  call("vc1-1", "VC1", "10:00:00", "ListRoles"),
  call("vc1-2", "VC1", "10:20:00", "GetSecretValue"),
  call("vc1-3", "VC1", "10:50:00", "AttachRolePolicy"),
  call("vc2-1", "VC2", "10:00:00", "ListRoles"),
  call("vc2-2", "VC2", "10:10:00", "ListRoles"),
  call("vc2-3", "VC2", "10:20:00", "ListRoles"),
  call("vc3-1", "VC3", "10:00:00", "ListRoles"),
  call("vc3-2", "VC3", "10:20:00", "GetSecretValue"),
  call("vc3-3", "VC3", "11:01:00", "AttachRolePolicy"),
  // aliases: the key is in responseElements on the issuance, in userIdentity on the calls.
  event("al1-0", {
    eventTime: at("10:00:00"),
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRoleWithWebIdentity",
    userIdentity: { type: "WebIdentityUser", userName: "system:serviceaccount:ns:sa" },
    responseElements: { credentials: { accessKeyId: "ALKEY1" } },
  }),
  call("al1-1", "ALKEY1", "10:10:00", "ListRoles"),
  call("al1-2", "ALKEY1", "10:20:00", "GetSecretValue"),
  event("al2-0", {
    eventTime: at("10:00:00"),
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRoleWithWebIdentity",
    userIdentity: { type: "WebIdentityUser", userName: "system:serviceaccount:ns:sa" },
    responseElements: { credentials: { accessKeyId: "ALKEY2" } },
  }),
  call("al2-1", "ALKEY2", "10:10:00", "ListRoles"),
  // temporal: A = ListBuckets, B = GetSecretValue within 10 minutes.
  call("tp1-a", "TP1", "10:00:00", "ListBuckets"),
  call("tp1-b", "TP1", "10:05:00", "GetSecretValue"),
  call("tp2-b", "TP2", "10:00:00", "GetSecretValue"),
  call("tp2-a", "TP2", "10:05:00", "ListBuckets"),
  call("tp3-a", "TP3", "10:00:00", "ListBuckets"),
  call("tp3-b", "TP3", "10:20:00", "GetSecretValue"),
  // chain: three failed logins, then a success (the specification's example).
  login("ch-m1", "mallory", "10:00:00", false),
  login("ch-m2", "mallory", "10:01:00", false),
  login("ch-m3", "mallory", "10:02:00", false),
  login("ch-m4", "mallory", "10:04:00", true),
  login("ch-a1", "alice", "10:00:00", true),
  login("ch-a2", "alice", "10:01:00", false),
  login("ch-a3", "alice", "10:02:00", false),
  login("ch-a4", "alice", "10:03:00", false),
];

const base = (name: string, selection: string) =>
  `title: ${name}\nname: ${name}\nlogsource: {product: aws, service: cloudtrail}\n` +
  `detection:\n  sel: ${selection}\n  condition: sel\n`;

const BASE = [
  base("ec_call", "{userIdentity.accessKeyId|startswith: EC}"),
  base("vc_call", "{userIdentity.accessKeyId|startswith: VC}"),
  base(
    "al_issue",
    "{eventName: AssumeRoleWithWebIdentity, responseElements.credentials.accessKeyId|startswith: AL}",
  ),
  base("al_call", "{userIdentity.accessKeyId|startswith: AL}"),
  base("tp_a", "{userIdentity.accessKeyId|startswith: TP, eventName: ListBuckets}"),
  base("tp_b", "{userIdentity.accessKeyId|startswith: TP, eventName: GetSecretValue}"),
  base("failed_login", "{eventName: ConsoleLogin, errorMessage: Failed authentication}"),
  base("successful_login", "{eventName: ConsoleLogin, responseElements.ConsoleLogin: Success}"),
].join("---\n");

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

/** Runs the correlation (YAML of its `correlation:` section) and returns its results. */
async function correlate(db: LakeDb, correlation: string, extra = "") {
  const rules = parseSigma(
    `title: corr\nname: corr\ncorrelation:\n${correlation}---\n${extra}${
      extra ? "---\n" : ""
    }${BASE}`,
    "corr.yml",
  );
  const rows = await rowsOf(db, rules[0], rules);
  return rows.map((r) => ({
    group: r.g0 as string,
    start: (r._ws as string).slice(11, 19),
    end: (r._we as string).slice(11, 19),
    count: r._metric as number,
    ids: (r._evs as { id: string }[]).map((e) => e.id).sort(),
  }));
}

const groups = (rows: { group: string }[]) => rows.map((r) => r.group).sort();

Deno.test("compileSigma() correlations use sliding windows", async (t) => {
  await withLake(async (db) => {
    const eventCount = (condition: string, span = "1h") =>
      correlate(
        db,
        `  type: event_count\n  rules: [ec_call]\n  group-by: [userIdentity.accessKeyId]\n` +
          `  timespan: ${span}\n  condition: ${condition}\n`,
      );
    await t.step("event_count: 3 in 59 or 60 minutes match, 3 in 61 do not", async () => {
      const rows = await eventCount("{gte: 3}");
      assert.deepEqual(groups(rows), ["EC59", "EC60", "ECMG", "ECST"]);
      const ec59 = rows.find((r) => r.group === "EC59")!;
      assert.deepEqual(ec59, {
        group: "EC59",
        start: "10:00:00",
        end: "10:59:00",
        count: 3,
        ids: ["ec59-1", "ec59-2", "ec59-3"],
      });
    });
    await t.step("a window straddling an hour boundary matches (no fixed buckets)", async () => {
      const st = (await eventCount("{gte: 3}")).find((r) => r.group === "ECST")!;
      assert.deepEqual([st.start, st.end, st.count], ["10:40:00", "11:20:00", 3]);
    });
    await t.step("overlapping windows merge; count is the best window's", async () => {
      const mg = (await eventCount("{gte: 3}")).filter((r) => r.group === "ECMG");
      assert.equal(mg.length, 1);
      assert.deepEqual([mg[0].start, mg[0].end, mg[0].count], ["12:00:00", "12:30:00", 5]);
      assert.deepEqual(mg[0].ids, ["ecmg-1", "ecmg-2", "ecmg-3", "ecmg-4", "ecmg-5"]);
    });
    await t.step("timespan units and gt", async () => {
      assert.deepEqual(groups(await eventCount("{gt: 2}", "61m")), [
        "EC59",
        "EC60",
        "EC61",
        "ECMG",
        "ECST",
      ]);
      assert.deepEqual(groups(await eventCount("{gte: 3}", "3599s")), ["EC59", "ECMG", "ECST"]);
      assert.deepEqual(groups(await eventCount("{gte: 5}", "1d")), ["ECMG"]);
    });
    await t.step("range conditions (AND) and eq", async () => {
      assert.deepEqual(groups(await eventCount("{gt: 1, lte: 2}", "20m")), ["ECMG", "ECST"]);
      assert.deepEqual(groups(await eventCount("{eq: 2}", "50m")), [
        "EC59",
        "EC60",
        "EC61",
        "ECMG",
        "ECSL",
        "ECST",
      ]);
    });
    await t.step("value_count counts distinct values in the window", async () => {
      const rows = await correlate(
        db,
        `  type: value_count\n  rules: [vc_call]\n  group-by: [userIdentity.accessKeyId]\n` +
          `  timespan: 1h\n  condition: {field: eventName, gte: 3}\n`,
      );
      assert.deepEqual(groups(rows), ["VC1"]);
      assert.equal(rows[0].count, 3);
    });
    await t.step(
      "aliases group the issuance (responseElements) with the calls (userIdentity)",
      async () => {
        const rows = await correlate(
          db,
          `  type: value_count\n  rules: [al_issue, al_call]\n  group-by: [session]\n` +
            `  aliases:\n    session:\n      al_issue: responseElements.credentials.accessKeyId\n` +
            `      al_call: userIdentity.accessKeyId\n` +
            `  timespan: 1h\n  condition: {field: eventName, gte: 3}\n`,
        );
        assert.deepEqual(rows, [{
          group: "ALKEY1",
          start: "10:00:00",
          end: "10:20:00",
          count: 3,
          ids: ["al1-0", "al1-1", "al1-2"],
        }]);
      },
    );
    await t.step("temporal: every rule within the timespan, in any order", async () => {
      const rows = await correlate(
        db,
        `  type: temporal\n  rules: [tp_a, tp_b]\n  group-by: [userIdentity.accessKeyId]\n  timespan: 10m\n`,
      );
      assert.deepEqual(groups(rows), ["TP1", "TP2"]);
    });
    await t.step("temporal_ordered: in the order of rules", async () => {
      const ordered = (rules: string) =>
        correlate(
          db,
          `  type: temporal_ordered\n  rules: [${rules}]\n  group-by: [userIdentity.accessKeyId]\n` +
            `  timespan: 10m\n`,
        );
      assert.deepEqual(groups(await ordered("tp_a, tp_b")), ["TP1"]);
      assert.deepEqual(groups(await ordered("tp_b, tp_a")), ["TP2"]);
      const [tp1] = await ordered("tp_a, tp_b");
      assert.deepEqual([tp1.start, tp1.end, tp1.ids], ["10:00:00", "10:05:00", ["tp1-a", "tp1-b"]]);
    });
    await t.step("chains: failed logins (event_count) followed by a success", async () => {
      const rows = await correlate(
        db,
        `  type: temporal_ordered\n  rules: [many_failed, successful_login]\n  group-by: [userIdentity.userName]\n` +
          `  timespan: 10m\n`,
        `title: many failed\nname: many_failed\ncorrelation:\n  type: event_count\n  rules: [failed_login]\n` +
          `  group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: {gte: 3}\n`,
      );
      assert.deepEqual(groups(rows), ["mallory"]);
      assert.deepEqual(rows[0].ids, ["ch-m1", "ch-m2", "ch-m3", "ch-m4"]);
    });
  });
});

Deno.test("compileSigma() reports correlations it cannot run", async (t) => {
  const reason = (correlation: string) => {
    const rules = parseSigma(`title: c\ncorrelation:\n${correlation}---\n${BASE}`, "c.yml");
    const c = compileSigma(rules[0], { rules });
    assert.equal(c.kind, "unsupported");
    return c.kind === "unsupported" ? `${c.construct}: ${c.reason}` : "";
  };
  await t.step("types, timespans, conditions, references", () => {
    assert.match(
      reason(
        "  type: value_sum\n  rules: [ec_call]\n  group-by: [eventName]\n  timespan: 1h\n  condition: {gt: 1}\n",
      ),
      /correlation type "value_sum"/,
    );
    assert.match(
      reason(
        "  type: event_count\n  rules: [ec_call]\n  group-by: [eventName]\n  timespan: 1M\n  condition: {gt: 1}\n",
      ),
      /timespan "1M"/,
    );
    assert.match(
      reason(
        "  type: value_count\n  rules: [ec_call]\n  group-by: [eventName]\n  timespan: 1h\n  condition: {gt: 1}\n",
      ),
      /value_count needs condition.field/,
    );
    assert.match(
      reason(
        "  type: event_count\n  rules: [nope]\n  group-by: [eventName]\n  timespan: 1h\n  condition: {gt: 1}\n",
      ),
      /rule reference "nope"/,
    );
    assert.match(
      reason(
        "  type: event_count\n  rules: [ec_call]\n  group-by: [status]\n  timespan: 1h\n  condition: {gt: 1}\n",
      ),
      /rule "ec_call".*field "status"/,
    );
    assert.match(
      reason(
        "  type: temporal_ordered\n  rules: [tp_a, tp_b]\n  group-by: [eventName]\n  timespan: 1h\n  condition: {gte: 1}\n",
      ),
      /full sequence/,
    );
  });
});
