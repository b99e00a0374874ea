import assert from "node:assert/strict";
import { datePath, fileStamp, iamDate, isoSeconds, javaDateTime } from "./_time.ts";

Deno.test("time formats match CloudTrail's", async (t) => {
  const ms = Date.UTC(2026, 10, 2, 11, 11, 12, 789);
  await t.step("isoSeconds", () => assert.equal(isoSeconds(ms), "2026-11-02T11:11:12Z"));
  await t.step("javaDateTime (STS expiration)", () => {
    assert.equal(javaDateTime(ms), "Nov 2, 2026, 11:11:12 AM");
    assert.equal(javaDateTime(Date.UTC(2024, 3, 16, 15, 20, 4)), "Apr 16, 2024, 3:20:04 PM");
    assert.equal(javaDateTime(Date.UTC(2026, 0, 1, 0, 5, 0)), "Jan 1, 2026, 12:05:00 AM");
    assert.equal(javaDateTime(Date.UTC(2026, 0, 1, 12, 0, 0)), "Jan 1, 2026, 12:00:00 PM");
  });
  await t.step("iamDate (createDate)", () => {
    assert.equal(iamDate(Date.UTC(2024, 6, 30, 21, 53, 13)), "Jul 30, 2024 9:53:13 PM");
  });
  await t.step("file stamp and folders", () => {
    assert.equal(fileStamp(ms), "20261102T1111Z");
    assert.equal(datePath(ms), "2026/11/02");
  });
});
