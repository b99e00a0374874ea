-- View: sa_tree_actions
-- The control-plane rows of sa_session_actions (credential, action, outcome) of every tree, with
-- the root's issuance time (rootIssuedAt) and three judgements against the tree's principal:
-- otherSessions: how many other trees of the same principal in the lake did this action;
-- baselineSessions: how many trees of the principal did it in the baseline lake (--baseline);
-- routine: seen in the baseline, or otherSessions >= getvariable('hunt_routine_sessions')
--   (default 3), or - when the principal has fewer other trees than that - in every one of
--   them (at least one); not routine = novel;
-- allowed: an allowlist row (hunt_allowlist, from --allow) matches the service account, the role
--   (ARN or name) of the session or of the root, or '*', and the action or eventName (or '*').
CREATE OR REPLACE VIEW sa_tree_actions AS
WITH
t AS MATERIALIZED (
  SELECT rootKey, principalHash, serviceAccount, likelyServiceAccount, rootRoleArn, issuedAt
  FROM sa_trees
),
j AS (
  SELECT
    a.accessKeyId,
    a.rootKey,
    a.eventSource,
    a.action,
    a.eventName,
    a.category,
    a.failed,
    a.events,
    a.firstTime,
    a.lastTime,
    a.sensitiveTimes,
    t.principalHash,
    t.serviceAccount,
    t.likelyServiceAccount,
    t.rootRoleArn,
    t.issuedAt AS rootIssuedAt
  FROM sa_session_actions a
  JOIN t ON t.rootKey = a.rootKey
  WHERE a.controlPlane
),
h AS (
  SELECT principalHash, eventSource, action, count(DISTINCT rootKey) AS sessions
  FROM j
  GROUP BY principalHash, eventSource, action
),
p AS (
  SELECT principalHash, count(*) AS sessions FROM t GROUP BY principalHash
),
b AS (
  SELECT hash(principal) AS principalHash, eventSource, action, sessions FROM baseline_actions
),
-- The allowlist (usually empty: then none of this runs) is matched per credential and action.
combos AS (
  SELECT DISTINCT j.accessKeyId, j.serviceAccount, j.likelyServiceAccount, st.roleArn AS sessionRoleArn,
    j.rootRoleArn, j.eventSource, j.action, j.eventName
  FROM j
  LEFT JOIN session_tree st ON st.accessKeyId = j.accessKeyId
  WHERE (SELECT count(*) FROM hunt_allowlist) > 0
),
allowed AS (
  SELECT c.*
  FROM combos c
  WHERE EXISTS (
    SELECT 1
    FROM hunt_allowlist w
    WHERE (
        w.principal = '*'
        OR w.principal = c.serviceAccount
        OR w.principal = c.likelyServiceAccount
        OR w.principal = c.sessionRoleArn
        OR w.principal = c.rootRoleArn
        OR w.principal = regexp_extract(c.sessionRoleArn, '[^/]+$')
        OR w.principal = regexp_extract(c.rootRoleArn, '[^/]+$')
      )
      AND (w.eventSource = '*' OR w.eventSource = c.eventSource)
      AND (w.eventName = '*' OR w.eventName = c.action OR w.eventName = c.eventName)
  )
)
SELECT
  j.accessKeyId,
  j.rootKey,
  j.eventSource,
  j.action,
  j.eventName,
  j.category,
  j.failed,
  j.events,
  j.firstTime,
  j.lastTime,
  j.sensitiveTimes,
  j.rootIssuedAt,
  h.sessions - 1 AS otherSessions,
  coalesce(b.sessions, 0) AS baselineSessions,
  coalesce(b.sessions, 0) > 0
    OR (
      h.sessions > 1
      AND h.sessions - 1 >= least(getvariable('hunt_routine_sessions')::BIGINT, p.sessions - 1)
    ) AS routine,
  (j.accessKeyId, j.eventSource, j.action) IN (
    SELECT (accessKeyId, eventSource, action) FROM allowed
  ) AS allowed
FROM j
JOIN h
  ON h.principalHash = j.principalHash AND h.eventSource = j.eventSource AND h.action = j.action
JOIN p ON p.principalHash = j.principalHash
LEFT JOIN b
  ON b.principalHash = j.principalHash AND b.eventSource = j.eventSource AND b.action = j.action
