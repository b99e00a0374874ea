-- Query: scorable_trees
-- Of the trees a rule flagged ($1, a list of root keys), those the severity model
-- (hunt/severity.ts) can score above 0, i.e. above info: with a sensitive action that is neither
-- routine nor allowlisted, with a chained session, with a failed issuance for its service
-- account, or with at least hunt_min_control_plane novel control-plane actions. hunt() leaves
-- the others (routine controllers) unsummarised unless info findings are asked for.
WITH
flagged AS (
  SELECT DISTINCT unnest($1::VARCHAR[]) AS rootKey
),
novelty AS (
  SELECT
    a.rootKey,
    bool_or(a.category IS NOT NULL AND NOT a.routine AND NOT a.allowed) AS novelSensitive,
    count(DISTINCT a.eventSource || ':' || a.action) FILTER (WHERE NOT a.routine AND NOT a.allowed)
      AS novelControlPlane
  FROM sa_tree_actions a
  SEMI JOIN flagged f ON f.rootKey = a.rootKey
  GROUP BY a.rootKey
),
refused AS (
  SELECT DISTINCT serviceAccount, cluster FROM sa_issuances WHERE NOT succeeded
)
SELECT f.rootKey
FROM flagged f
JOIN sa_trees t ON t.rootKey = f.rootKey
LEFT JOIN novelty n ON n.rootKey = f.rootKey
WHERE coalesce(n.novelSensitive, false)
  OR t.maxDepth > 0
  OR coalesce(n.novelControlPlane, 0) >= getvariable('hunt_min_control_plane')::BIGINT
  OR EXISTS (
    SELECT 1
    FROM refused r
    WHERE r.serviceAccount = coalesce(t.serviceAccount, t.likelyServiceAccount)
      AND r.cluster IS NOT DISTINCT FROM t.cluster
  )
ORDER BY f.rootKey
