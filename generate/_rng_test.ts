import assert from "node:assert/strict";
import { hashSeed, Rng } from "./_rng.ts";

Deno.test("Rng is deterministic per seed and label", async (t) => {
  await t.step("same seed, same stream", () => {
    const a = new Rng(42), b = new Rng(42);
    for (let i = 0; i < 100; i++) assert.equal(a.u32(), b.u32());
  });
  await t.step("different seeds and labels diverge", () => {
    assert.notEqual(new Rng(1).u32(), new Rng(2).u32());
    assert.notEqual(Rng.derive(1, "a").u32(), Rng.derive(1, "b").u32());
    assert.notEqual(hashSeed(1, "ab"), hashSeed(1, "a", "b"));
  });
  await t.step("ranges and shapes", () => {
    const rng = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const f = rng.float();
      assert.ok(f >= 0 && f < 1);
      const r = rng.range(3, 5);
      assert.ok(r >= 3 && r <= 5 && Number.isInteger(r));
    }
    assert.match(
      rng.uuid(),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.match(rng.alnum(16), /^[A-Za-z0-9]{16}$/);
    assert.match(rng.upperAlnum(16), /^[A-Z0-9]{16}$/);
    assert.match(rng.lowerAlnum(9), /^[a-z0-9]{9}$/);
    assert.match(rng.hex(16), /^[0-9a-f]{32}$/);
    const mean = Array.from({ length: 20000 }, () => rng.exp(10)).reduce((a, b) => a + b) / 20000;
    assert.ok(Math.abs(mean - 10) < 0.5, `mean ${mean}`);
  });
});
