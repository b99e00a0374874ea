import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { generateEstate, type GenerateSummary } from "./generate_estate.ts";
import { readTree, type Tree } from "./_read_tree.ts";
import { checkRecord } from "./_shape_check.ts";
import { CANONICAL_ORDER } from "./_record.ts";
import { accountOfKey } from "./_ids.ts";
import { OutputExistsError } from "../errors.ts";
import type { AttackTruth, Truth } from "./truth.ts";

type Rec = Record<string, unknown> & {
  eventID: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  userIdentity: Record<string, unknown>;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
};

interface Generated {
  out: string;
  summary: GenerateSummary;
  truth: Truth;
  tree: Tree;
  /** Records without re-deliveries. */
  events: Rec[];
}

async function generate(seed: number, days = 0.25, scale = 1): Promise<Generated> {
  const out = await Deno.makeTempDir({ prefix: "podtrail-generate-" });
  // 06:00–12:00 UTC on a Monday: European staff are at work.
  const summary = await generateEstate({ out, seed, days, scale, start: "2026-11-02T06:00:00Z" });
  const truth = JSON.parse(await Deno.readTextFile(summary.truthPath));
  const tree = readTree(out);
  const seen = new Set<string>();
  const events: Rec[] = [];
  for (const log of [...tree.logs].sort((a, b) => a.path < b.path ? -1 : 1)) {
    for (const r of log.records as Rec[]) {
      if (!seen.has(r.eventID)) events.push(r);
      seen.add(r.eventID);
    }
  }
  return { out, summary, truth, tree, events };
}

async function treeHash(out: string): Promise<string> {
  const h = createHash("sha256");
  for (const path of readTree(out).paths) {
    h.update(path);
    h.update(await Deno.readFile(`${out}/${path}`));
  }
  h.update(await Deno.readFile(`${out}/truth.json`));
  return h.digest("hex");
}

const g = await generate(7);
const keyOf = (r: Rec) => r.userIdentity.accessKeyId as string | undefined;
const issuedKey = (r: Rec) =>
  ((r.responseElements?.credentials ?? {}) as Record<string, unknown>).accessKeyId as
    | string
    | undefined;
const byKey = new Map<string, Rec[]>();
for (const r of g.events) {
  const k = keyOf(r);
  if (k) byKey.set(k, [...(byKey.get(k) ?? []), r]);
}
const attack = (variant: string): AttackTruth =>
  g.truth.attacks.find((a) => a.variant === variant)!;

Deno.test("generateEstate() writes a CloudTrail S3 export tree", async (t) => {
  const logName =
    /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{4})(\d{2})(\d{2})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$/;
  await t.step("log file names and folders", () => {
    for (const log of g.tree.logs) {
      const m = log.path.match(logName);
      assert.ok(m, log.path);
      assert.deepEqual([m[3], m[4], m[5]], [m[6], m[7], m[8]], "date folder is the stamp's date");
      assert.ok(g.truth.accounts.includes(m[1]) && g.truth.regions.includes(m[2]));
      for (const r of log.records) {
        assert.equal(r.recipientAccountId, m[1], log.path);
        assert.equal(r.awsRegion, m[2], log.path);
      }
    }
  });
  await t.step('each file is one {"Records":[…]} line of about 5 minutes', () => {
    for (const log of g.tree.logs) {
      assert.ok(
        log.json.startsWith('{"Records":[') && log.json.endsWith("]}") && !log.json.includes("\n"),
      );
      const stamp = log.path.match(logName)!;
      const end = Date.UTC(
        +stamp[6],
        +stamp[7] - 1,
        +stamp[8],
        +stamp[9].slice(0, 2),
        +stamp[9].slice(2),
      );
      for (const r of log.records) {
        const t = Date.parse(r.eventTime as string);
        assert.ok(t < end + 60_000 && t >= end - 20 * 60_000, `${r.eventTime} in ${log.path}`);
      }
    }
  });
  await t.step("records are unsorted inside files", () => {
    const unsorted = g.tree.logs.filter((l) =>
      l.records.some((r, i) => i > 0 && String(r.eventTime) < String(l.records[i - 1].eventTime))
    );
    assert.ok(unsorted.length > g.tree.logs.length / 4, `${unsorted.length} unsorted files`);
  });
  await t.step("summary and truth totals match the files", () => {
    const records = g.tree.logs.reduce((n, l) => n + l.records.length, 0);
    assert.equal(g.summary.files, g.tree.logs.length);
    assert.equal(g.truth.totals.files, g.tree.logs.length);
    assert.equal(g.truth.totals.records, records);
    assert.equal(g.truth.totals.digestFiles, g.tree.digests.length);
    assert.equal(g.truth.totals.events, g.events.length);
    assert.equal(g.summary.records - g.summary.duplicates, g.events.length);
  });
  await t.step("about 33,000 events a day at scale 1", () => {
    const perDay = g.events.length / 0.25;
    assert.ok(perDay > 22_000 && perDay < 45_000, `${perDay} events/day`);
  });
});

Deno.test("generateEstate() re-delivers about 0.1% of records in later files", () => {
  const first = new Map<string, { json: string; path: string }>();
  let duplicates = 0;
  for (
    const log of [...g.tree.logs].sort((a, b) =>
      a.path.split("_")[3] < b.path.split("_")[3] ? -1 : 1
    )
  ) {
    for (const r of log.records) {
      const json = JSON.stringify(r);
      const prior = first.get(r.eventID as string);
      if (prior) {
        duplicates++;
        assert.equal(json, prior.json, "same record content");
        assert.ok(
          prior.path.split("_")[3] < log.path.split("_")[3],
          "re-delivered in a later file",
        );
      } else first.set(r.eventID as string, { json, path: log.path });
    }
  }
  assert.equal(duplicates, g.truth.totals.duplicates);
  assert.ok(duplicates > 0 && duplicates < g.events.length * 0.004, `${duplicates} duplicates`);
});

Deno.test("generateEstate() writes one digest per hour per account and region", () => {
  const digestName =
    /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z]{2}-[a-z]+-\d)\/\d{4}\/\d{2}\/\d{2}\/\1_CloudTrail-Digest_\2_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;
  for (const d of g.tree.digests) assert.match(d.path, digestName);
  assert.equal(g.tree.digests.length, 6 * g.truth.accounts.length * g.truth.regions.length);
  const listed = g.tree.digests.flatMap((d) =>
    (d.digest.logFiles as { s3Object: string }[]).map((l) => l.s3Object)
  );
  assert.deepEqual(listed.sort(), g.tree.logs.map((l) => l.path).sort());
  for (const d of g.tree.digests) {
    for (
      const key of [
        "awsAccountId",
        "digestStartTime",
        "digestEndTime",
        "digestS3Bucket",
        "digestS3Object",
        "previousDigestS3Bucket",
        "previousDigestS3Object",
        "previousDigestHashValue",
        "logFiles",
      ]
    ) {
      assert.ok(key in d.digest, key);
    }
    assert.equal(d.digest.digestS3Object, d.path);
  }
});

Deno.test("generateEstate() records have the shape of real CloudTrail", async (t) => {
  await t.step("every record passes the shape checks", () => {
    for (const r of g.events) {
      assert.deepEqual(checkRecord(r), [], `${r.eventSource} ${r.eventName}`);
    }
  });
  await t.step("fields are in S3 delivery order", () => {
    for (const r of g.events.slice(0, 2000)) {
      const positions = Object.keys(r).map((k) => CANONICAL_ORDER.indexOf(k));
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
    }
  });
  await t.step("keys and principal ids carry their account", () => {
    for (const r of g.events.slice(0, 3000)) {
      const k = keyOf(r);
      if (k) assert.equal(accountOfKey(k), r.userIdentity.accountId);
    }
  });
  await t.step("S3 data events and controllers dominate", () => {
    const data = g.events.filter((r) => r.eventCategory === "Data").length;
    const s3 = g.events.filter((r) =>
      r.eventSource === "s3.amazonaws.com" && r.eventCategory === "Data"
    ).length;
    assert.ok(s3 > g.events.length * 0.2, `S3 data ${s3}`);
    assert.ok(data < g.events.length * 0.7);
    const services = new Set(g.events.map((r) => r.userIdentity.invokedBy).filter(Boolean));
    for (
      const s of [
        "ec2.amazonaws.com",
        "eks.amazonaws.com",
        "pods.eks.amazonaws.com",
        "config.amazonaws.com",
      ]
    ) {
      assert.ok(services.has(s), s);
    }
  });
  await t.step("IRSA issuance and use", () => {
    const issuances = g.events.filter((r) => r.eventName === "AssumeRoleWithWebIdentity");
    assert.ok(issuances.length > 50);
    for (const r of issuances) {
      const ui = r.userIdentity;
      assert.equal(ui.type, "WebIdentityUser");
      assert.match(
        ui.identityProvider as string,
        /^arn:aws:iam::\d{12}:oidc-provider\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[0-9A-F]{32}$/,
      );
      assert.match(ui.userName as string, /^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/);
      assert.equal(ui.principalId, `${ui.identityProvider}:sts.amazonaws.com:${ui.userName}`);
      assert.equal(r.readOnly, true);
      assert.equal(r.managementEvent, true);
      const resp = r.responseElements!;
      assert.equal(resp.subjectFromWebIdentityToken, ui.userName);
      assert.equal(resp.audience, "sts.amazonaws.com");
      assert.equal(resp.provider, ui.identityProvider);
      const key = issuedKey(r)!;
      for (const use of byKey.get(key) ?? []) {
        const ctx = use.userIdentity.sessionContext as Record<string, Record<string, unknown>>;
        assert.equal(ctx.webIdFederationData.federatedProvider, ui.identityProvider);
        assert.equal(ctx.sessionIssuer.arn, r.requestParameters!.roleArn);
        assert.equal(
          use.userIdentity.principalId,
          (resp.assumedRoleUser as Record<string, string>).assumedRoleId,
        );
      }
    }
  });
  await t.step(
    "benign IRSA keys minted in the window have their issuance, about hourly per pod",
    () => {
      const issued = new Set(
        g.events.filter((r) => r.eventName === "AssumeRoleWithWebIdentity").map(issuedKey),
      );
      const start = Date.parse(g.truth.start);
      const attackKeys = new Set(g.truth.attacks.flatMap((a) => a.accessKeys));
      for (const [key, records] of byKey) {
        const ctx = records[0].userIdentity.sessionContext as
          | Record<string, Record<string, unknown>>
          | undefined;
        if (!ctx?.webIdFederationData?.federatedProvider || attackKeys.has(key)) continue;
        const created = Date.parse(ctx.attributes.creationDate as string);
        if (created >= start) assert.ok(issued.has(key), `no issuance for ${key}`);
      }
      const karpenter = g.events.filter((r) =>
        r.eventName === "AssumeRoleWithWebIdentity" &&
        r.userIdentity.userName === "system:serviceaccount:kube-system:karpenter"
      );
      assert.ok(
        karpenter.length >= 4 && karpenter.length <= 7,
        `${karpenter.length} karpenter issuances in 6 h`,
      );
    },
  );
  await t.step("Pod Identity issuance pairs", () => {
    const eksAuth = g.events.filter((r) => r.eventName === "AssumeRoleForPodIdentity");
    const sts = g.events.filter((r) =>
      r.eventName === "AssumeRole" && r.userIdentity.invokedBy === "pods.eks.amazonaws.com"
    );
    assert.ok(
      sts.length > 0 && eksAuth.length === sts.length,
      `${eksAuth.length} vs ${sts.length}`,
    );
    for (const r of sts) {
      assert.equal(r.userIdentity.type, "AWSService");
      assert.equal(r.sourceIPAddress, "pods.eks.amazonaws.com");
      const tags = Object.fromEntries(
        (r.requestParameters!.tags as { key: string; value: string }[]).map((
          x,
        ) => [x.key, x.value]),
      );
      assert.deepEqual(Object.keys(tags), [
        "eks-cluster-arn",
        "eks-cluster-name",
        "kubernetes-namespace",
        "kubernetes-service-account",
        "kubernetes-pod-name",
        "kubernetes-pod-uid",
      ]);
      const key = issuedKey(r)!;
      for (const use of byKey.get(key) ?? []) {
        const ctx = use.userIdentity.sessionContext as Record<string, unknown>;
        assert.equal(ctx.webIdFederationData, undefined);
        assert.equal(
          (ctx.sessionIssuer as Record<string, unknown>).arn,
          r.requestParameters!.roleArn,
        );
      }
    }
  });
  await t.step("benign calls fail now and then, like production calls do", () => {
    const attackKeys = new Set(g.truth.attacks.flatMap((a) => a.accessKeys));
    const failures = g.events.filter((r) => r.errorCode && !attackKeys.has(keyOf(r)!));
    assert.ok(
      failures.length > 5 && failures.length < g.events.length * 0.02,
      `${failures.length} failures`,
    );
    for (const r of failures) assert.equal(r.responseElements, null);
  });
  await t.step("people use Identity Center roles, never web identities", () => {
    const people = g.events.filter((r) =>
      String(r.userIdentity.arn ?? "").includes("/AWSReservedSSO_")
    );
    assert.ok(people.length > 0);
    for (const r of people) {
      const ctx = r.userIdentity.sessionContext as Record<string, Record<string, unknown>>;
      assert.equal(ctx.webIdFederationData, undefined);
      assert.match(
        ctx.sessionIssuer.arn as string,
        /:role\/aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_/,
      );
      assert.match(
        r.userIdentity.principalId as string,
        /^AROA[A-Z2-7]{17}:[a-z.]+@example-shop\.com$/,
      );
    }
    assert.ok(people.some((r) => r.sessionCredentialFromConsole === "true"));
  });
});

Deno.test("generateEstate() truth.json describes the injected attacks", async (t) => {
  await t.step("six variants with the documented fields", () => {
    assert.deepEqual(g.truth.attacks.map((a) => a.variant).sort(), [
      "full-chain",
      "issuance-missing",
      "mostly-denied",
      "pod-identity",
      "quiet",
      "role-chained",
    ]);
    assert.deepEqual(g.truth.clusters.map((c) => c.name), ["shop-prod", "data-prod"]);
    for (const c of g.truth.clusters) assert.match(c.oidcId, /^[0-9A-F]{32}$/);
    assert.ok(g.truth.benign.length > 10);
  });
  for (const a of g.truth.attacks) {
    await t.step(`${a.id}: keys, actions and times are what was written`, () => {
      const records = a.accessKeys.flatMap((k) => byKey.get(k) ?? []);
      assert.ok(records.length > 0);
      assert.deepEqual([...new Set(records.map((r) => r.eventName))].sort(), a.actions);
      assert.deepEqual(
        [...new Set(records.filter((r) => r.errorCode).map((r) => r.eventName))].sort(),
        a.deniedActions,
      );
      const times = records.map((r) => r.eventTime).sort();
      assert.equal(times[times.length - 1], a.lastSeen);
      assert.ok(
        a.firstSeen <= times[0] && a.firstSeen >= g.truth.start && a.lastSeen < g.truth.end,
      );
      for (const r of records) {
        assert.equal(r.sourceIPAddress, a.sourceIPAddress);
        assert.equal(r.recipientAccountId, a.account);
      }
      // The attacker's address and agent are not the workload's.
      const benign = g.events.filter((r) =>
        String(r.userIdentity.arn ?? "").includes(`/${a.roleArn.split("/").pop()}/`) &&
        !a.accessKeys.includes(keyOf(r)!)
      );
      const agents = new Set(records.map((r) => r.userAgent));
      for (const r of benign) {
        assert.notEqual(r.sourceIPAddress, a.sourceIPAddress);
        assert.ok(!agents.has(r.userAgent), `${a.id} agent ${r.userAgent}`);
      }
      const issuance = g.events.filter((r) => issuedKey(r) === a.accessKeys[0]);
      assert.equal(issuance.length > 0, a.issuancePresent);
    });
  }
  await t.step("full-chain: IRSA key with its issuance, the whole chain", () => {
    const a = attack("full-chain");
    const issuance = g.events.find((r) =>
      r.eventName === "AssumeRoleWithWebIdentity" && issuedKey(r) === a.accessKeys[0]
    )!;
    assert.equal(
      issuance.userIdentity.userName,
      `system:serviceaccount:${a.serviceAccount.replace("/", ":")}`,
    );
    for (
      const name of [
        "GetCallerIdentity",
        "ListUsers",
        "GetSecretValue",
        "AttachRolePolicy",
        "CreateUser",
        "CreateAccessKey",
        "SendCommand",
        "StopLogging",
      ]
    ) {
      assert.ok(a.actions.includes(name), name);
    }
  });
  await t.step("quiet: exactly three sensitive actions over about 40 minutes", () => {
    const a = attack("quiet");
    assert.equal(a.actions.length, 3);
    const span = Date.parse(a.lastSeen) -
      Date.parse(byKey.get(a.accessKeys[0])!.map((r) => r.eventTime).sort()[0]);
    assert.ok(span > 25 * 60_000 && span < 50 * 60_000, `${span / 60_000} minutes`);
  });
  await t.step(
    "issuance-missing: no AssumeRoleWithWebIdentity anywhere, calls still federated",
    () => {
      const a = attack("issuance-missing");
      assert.ok(
        !g.tree.logs.some((l) =>
          l.json.includes(`"accessKeyId":"${a.accessKeys[0]}","sessionToken"`)
        ),
      );
      for (const r of byKey.get(a.accessKeys[0])!) {
        const ctx = r.userIdentity.sessionContext as Record<string, Record<string, unknown>>;
        assert.match(
          ctx.webIdFederationData.federatedProvider as string,
          /oidc-provider\/oidc\.eks\./,
        );
        assert.ok(
          ctx.attributes.creationDate as string >= g.truth.start,
          "minted inside the window",
        );
      }
    },
  );
  await t.step("role-chained: the IRSA key assumes a second role whose key escalates", () => {
    const a = attack("role-chained");
    assert.equal(a.accessKeys.length, 2);
    const [root, child] = a.accessKeys;
    const hop = byKey.get(root)!.find((r) => r.eventName === "AssumeRole")!;
    assert.equal(issuedKey(hop), child);
    assert.equal(hop.requestParameters!.roleArn, a.chainedRoleArn);
    for (const r of byKey.get(child)!) {
      const ctx = r.userIdentity.sessionContext as Record<string, Record<string, unknown>>;
      assert.equal(ctx.sessionIssuer.arn, a.chainedRoleArn);
      assert.equal(ctx.webIdFederationData, undefined);
    }
    assert.ok(byKey.get(child)!.some((r) => r.eventName === "AttachRolePolicy"));
    assert.ok(!byKey.get(root)!.some((r) => r.eventName === "AttachRolePolicy"));
  });
  await t.step("mostly-denied: AccessDenied with the real message forms", () => {
    const a = attack("mostly-denied");
    const records = byKey.get(a.accessKeys[0])!;
    const denied = records.filter((r) => r.errorCode);
    assert.ok(denied.length > records.length / 2);
    for (const r of denied) {
      assert.equal(r.responseElements, null);
      assert.match(r.errorCode as string, /^(AccessDenied|Client\.UnauthorizedOperation)$/);
      if (r.eventSource === "iam.amazonaws.com") {
        assert.match(
          r.errorMessage as string,
          /^User: arn:aws:sts::\d{12}:assumed-role\/[^/]+\/[^ ]+ is not authorized to perform: iam:[A-Za-z]+ on resource: arn:aws:iam::\d{12}:[^ ]+ because no identity-based policy allows the iam:[A-Za-z]+ action$/,
        );
      }
    }
  });
  await t.step("pod-identity: the key comes from eks-auth via a node key", () => {
    const a = attack("pod-identity");
    assert.ok(a.parentAccessKey);
    const sts = g.events.find((r) => issuedKey(r) === a.accessKeys[0])!;
    assert.equal(sts.userIdentity.invokedBy, "pods.eks.amazonaws.com");
    const eksAuth = byKey.get(a.parentAccessKey!)!.filter((r) =>
      r.eventName === "AssumeRoleForPodIdentity"
    );
    assert.ok(eksAuth.some((r) => r.sourceIPAddress === a.sourceIPAddress));
    assert.ok(a.actions.includes("StopLogging"));
  });
});

Deno.test("generateEstate() is deterministic for a seed", async (t) => {
  const again = await generate(7);
  const other = await generate(8);
  await t.step("same seed → identical bytes", async () => {
    assert.equal(await treeHash(again.out), await treeHash(g.out));
  });
  await t.step("different seed → different estate and files", async () => {
    assert.notEqual(await treeHash(other.out), await treeHash(g.out));
    assert.notDeepEqual(other.truth.accounts, g.truth.accounts);
  });
  await Deno.remove(again.out, { recursive: true });
  await Deno.remove(other.out, { recursive: true });
});

Deno.test("generateEstate() validates its options and refuses to overwrite", async (t) => {
  const out = await Deno.makeTempDir();
  await t.step("bad values", async () => {
    await assert.rejects(generateEstate({ out, seed: 1.5 }), RangeError);
    await assert.rejects(generateEstate({ out, seed: -1 }), RangeError);
    await assert.rejects(generateEstate({ out, days: 0 }), RangeError);
    await assert.rejects(generateEstate({ out, days: Number.NaN }), RangeError);
    await assert.rejects(generateEstate({ out, scale: 0 }), RangeError);
    await assert.rejects(generateEstate({ out, start: "tomorrow" }), RangeError);
    await assert.rejects(generateEstate({ out, start: new Date(Number.NaN) }), RangeError);
    await assert.rejects(generateEstate({ out: "" }), TypeError);
    await assert.rejects(generateEstate({ out, days: "3" as unknown as number }), TypeError);
  });
  await t.step("an existing tree needs force", async () => {
    const first = await generateEstate({
      out,
      days: 0.0625,
      scale: 0.05,
      start: "2026-03-01T10:00:00Z",
    });
    assert.equal(first.start, "2026-03-01T10:00:00Z");
    assert.equal(first.end, "2026-03-01T11:30:00Z");
    await assert.rejects(generateEstate({ out, days: 0.0625, scale: 0.05 }), OutputExistsError);
    const second = await generateEstate({ out, days: 0.0625, scale: 0.05, force: true });
    assert.equal(second.start, "2026-11-02T00:00:00Z");
    assert.ok(readTree(out).paths.every((p) => p.includes("/2026/11/")), "old tree removed");
  });
  await Deno.remove(out, { recursive: true });
});

Deno.test("generateEstate() cleanup", async () => {
  await Deno.remove(g.out, { recursive: true });
});
