import assert from "node:assert/strict";
import { openLakeDb } from "../open_lake.ts";
import { materialise } from "../../hunt/_sql.ts";
import { setVariable } from "../../ingest/_duckdb.ts";
import { ruleById } from "../../hunt/rules.ts";
import { fixtureLake } from "../../hunt/_fixture_lake.ts";

/**
 * The rule's definition, computed the slow way: a window starts at every
 * sensitive attempt and holds every attempt up to windowMinutes later; the best
 * window of a tree has the most distinct actions, then the earliest start.
 */
const BY_DEFINITION = `
WITH a AS (
  SELECT rootKey, action, failed, unnest(sensitiveTimes) AS t
  FROM sa_tree_actions WHERE category IS NOT NULL AND NOT allowed
),
w AS (
  SELECT s.rootKey, s.t AS windowStart, count(DISTINCT x.action) AS matched,
    list(DISTINCT x.action ORDER BY x.action) AS matchedActions,
    coalesce(list(DISTINCT x.action ORDER BY x.action) FILTER (WHERE x.failed), []) AS deniedInWindow,
    max(x.t) AS windowEnd
  FROM (SELECT DISTINCT rootKey, t FROM a) s
  JOIN a x ON x.rootKey = s.rootKey AND x.t >= s.t
    AND x.t <= s.t + to_minutes(getvariable('hunt_window_minutes')::BIGINT)
  GROUP BY s.rootKey, s.t
)
SELECT rootKey, matched, matchedActions, deniedInWindow, windowStart, windowEnd
FROM w WHERE matched >= getvariable('hunt_min_actions')::BIGINT
QUALIFY row_number() OVER (PARTITION BY rootKey ORDER BY matched DESC, windowStart) = 1
ORDER BY rootKey`;

Deno.test("web-identity-lateral-movement finds the best window its definition finds", async (t) => {
  const db = await openLakeDb({ lake: await fixtureLake() });
  try {
    await materialise(db.conn);
    const rule = ruleById("web-identity-lateral-movement").sql;
    const cases = [[2, 1], [2, 10], [3, 10], [3, 60], [3, 240], [5, 60], [5, 240], [8, 600]];
    for (const [minActions, windowMinutes] of cases) {
      {
        await t.step(`${minActions} actions in ${windowMinutes} min`, async () => {
          await setVariable(db.conn, "hunt_min_actions", minActions);
          await setVariable(db.conn, "hunt_window_minutes", windowMinutes);
          const got = (await db.conn.runAndReadAll(rule)).getRowsJson();
          const want = (await db.conn.runAndReadAll(BY_DEFINITION)).getRowsJson();
          assert.ok(want.length > 0);
          assert.deepEqual(got, want);
        });
      }
    }
  } finally {
    db.close();
  }
});

Deno.test("web-identity-lateral-movement matches its definition on random attempt times", async (t) => {
  const db = await openLakeDb({ lake: await fixtureLake() });
  try {
    // 300 trees, each with a few actions whose attempts come in bursts over a few hours.
    await db.conn.run(`SELECT setseed(0.42)`);
    await db.conn.run(`CREATE TABLE random_actions AS
      SELECT
        'ASIA' || tree AS rootKey,
        'Action' || (random() * 8)::INTEGER AS action,
        random() < 0.2 AS failed,
        'reconnaissance' AS category,
        false AS allowed,
        list(TIMESTAMPTZ '2026-11-05 00:00:00+00' + to_seconds((random() * 4 * 3600)::BIGINT))
          AS sensitiveTimes
      FROM range(300) r(tree), range(1 + (random() * 6)::INTEGER) a(n), range(1 + (random() * 5)::INTEGER) x(k)
      GROUP BY tree, n, failed`);
    await db.conn.run(`CREATE OR REPLACE VIEW sa_tree_actions AS SELECT * FROM random_actions`);
    const rule = ruleById("web-identity-lateral-movement").sql;
    for (const [minActions, windowMinutes] of [[2, 5], [3, 20], [3, 60], [4, 30], [6, 120]]) {
      await t.step(`${minActions} actions in ${windowMinutes} min`, async () => {
        await setVariable(db.conn, "hunt_min_actions", minActions);
        await setVariable(db.conn, "hunt_window_minutes", windowMinutes);
        const want = (await db.conn.runAndReadAll(BY_DEFINITION)).getRowsJson();
        assert.ok(want.length > 10, `${want.length} trees reach the threshold`);
        assert.deepEqual((await db.conn.runAndReadAll(rule)).getRowsJson(), want);
      });
    }
  } finally {
    db.close();
  }
});
