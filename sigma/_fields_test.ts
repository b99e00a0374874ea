import assert from "node:assert/strict";
import { Params, parseLakeType, quoteIdent, resolveField, Unsupported } from "./_fields.ts";
import { cidrBits } from "./_match.ts";
import { parseCondition } from "./_condition.ts";

Deno.test("parseLakeType() reads the lake's STRUCT types", () => {
  const t = parseLakeType('STRUCT("type" VARCHAR, s STRUCT(a JSON, b BOOLEAN))');
  assert.equal(t.kind, "STRUCT");
  if (t.kind !== "STRUCT") return;
  assert.equal(t.members.get("type")?.kind, "VARCHAR");
  const s = t.members.get("s");
  assert.ok(s?.kind === "STRUCT" && s.members.get("a")?.kind === "JSON");
});

Deno.test("resolveField() maps dot notation to columns, struct members and JSON paths", async (t) => {
  await t.step("columns and struct members are scalars", () => {
    const p = new Params();
    const a = resolveField("userIdentity.sessionContext.sessionIssuer.arn", p);
    assert.equal(a.kind, "scalar");
    if (a.kind === "scalar") {
      assert.equal(
        a.text,
        `struct_extract(struct_extract(struct_extract("userIdentity", 'sessionContext'), 'sessionIssuer'), 'arn')`,
      );
    }
    assert.deepEqual(p.values, []);
  });
  await t.step("paths inside JSON text are lists with bound paths", () => {
    const p = new Params();
    const a = resolveField("requestParameters.policyArn", p);
    assert.equal(a.kind, "list");
    assert.deepEqual(p.values, ['$."policyArn"']);
    resolveField('requestParameters.we"ird', p);
    assert.deepEqual(p.values[1], '$."we\\"ird"');
  });
  await t.step("JSON inside a struct continues as a JSON path", () => {
    const p = new Params();
    assert.equal(
      resolveField("userIdentity.sessionContext.webIdFederationData.attributes.sub", p).kind,
      "list",
    );
  });
  await t.step("unknown fields", () => {
    assert.throws(() => resolveField("status", new Params()), Unsupported);
    assert.throws(() => resolveField("eventTime.x", new Params()), Unsupported);
  });
  assert.equal(quoteIdent('a"b'), '"a""b"');
});

Deno.test("cidrBits() parses IPv4 and IPv6 networks", () => {
  assert.deepEqual(cidrBits("10.0.0.0/8"), { family: 32, bits: "00001010" });
  assert.deepEqual(cidrBits("10.1.2.3"), { family: 32, bits: "00001010000000010000001000000011" });
  assert.deepEqual(cidrBits("2001:db8::/32"), {
    family: 128,
    bits: "00100000000000010000110110111000",
  });
  assert.deepEqual(cidrBits("::/0"), { family: 128, bits: "" });
  assert.equal(cidrBits("10.0.0.256/8"), null);
  assert.equal(cidrBits("1::2::3/64"), null);
  assert.equal(cidrBits("10.0.0.0/40"), null);
});

Deno.test("parseCondition() builds the tree with Sigma's precedence", () => {
  const names = ["sel", "filter_a", "filter_b", "_hidden"];
  assert.deepEqual(parseCondition("sel and not filter_a or filter_b", names), {
    op: "or",
    args: [{
      op: "and",
      args: [{ op: "ref", name: "sel" }, { op: "not", arg: { op: "ref", name: "filter_a" } }],
    }, {
      op: "ref",
      name: "filter_b",
    }],
  });
  assert.deepEqual(parseCondition("all of filter_*", names), {
    op: "and",
    args: [{ op: "ref", name: "filter_a" }, { op: "ref", name: "filter_b" }],
  });
  assert.deepEqual(parseCondition("1 of them", names).op, "or");
  assert.equal((parseCondition("1 of them", names) as { args: unknown[] }).args.length, 3);
  assert.throws(() => parseCondition("sel near filter_a", names), Unsupported);
  assert.throws(() => parseCondition("sel and (filter_a", names), Unsupported);
});
