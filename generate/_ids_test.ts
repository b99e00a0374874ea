import assert from "node:assert/strict";
import { Rng } from "./_rng.ts";
import { accountOfKey, ec2Id, roleId, sessionKeyId, userId, userKeyId } from "./_ids.ts";

Deno.test("accountOfKey() decodes the account from real key and principal ids", () => {
  // From the EKS workshop samples (account 823571991546).
  assert.equal(accountOfKey("ASIA37QFXJP5LMALW5PH"), "823571991546");
  assert.equal(accountOfKey("ASIA37QFXJP5MQOWRZ6Q"), "823571991546");
  assert.equal(accountOfKey("AROA37QFXJP5E2DPF472Q"), "823571991546");
});

Deno.test("sessionKeyId(), roleId() and friends encode the account like AWS", async (t) => {
  const rng = new Rng(3);
  for (const account of ["823571991546", "000000000017", "999999999999", "123456789012"]) {
    await t.step(account, () => {
      const ids = [
        sessionKeyId(rng, account),
        userKeyId(rng, account),
        roleId(rng, account),
        userId(rng, account),
      ];
      assert.match(ids[0], /^ASIA[A-Z2-7]{16}$/);
      assert.match(ids[1], /^AKIA[A-Z2-7]{16}$/);
      assert.match(ids[2], /^AROA[A-Z2-7]{17}$/);
      assert.match(ids[3], /^AIDA[A-Z2-7]{17}$/);
      for (const id of ids) assert.equal(accountOfKey(id), account);
      // Same account → same 8 characters after the prefix, as in real ids.
      assert.equal(new Set(ids.map((id) => id.slice(4, 12))).size, 1);
    });
  }
  await t.step("ec2Id", () => {
    assert.match(ec2Id(rng, "i"), /^i-0[0-9a-f]{16}$/);
    assert.match(ec2Id(rng, "vol"), /^vol-0[0-9a-f]{16}$/);
  });
});
