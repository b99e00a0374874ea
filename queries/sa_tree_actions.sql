-- View: sa_tree_actions
-- sa_session_actions (control-plane only) with the tree's principal and three judgements:
-- otherSessions: how many other trees of the same principal in the lake did this action;
-- baselineSessions: how many trees of the principal did it in the baseline lake (--baseline);
-- routine: seen in the baseline, or otherSessions >= getvariable('hunt_routine_sessions')
--   (default 3), or - when the principal has fewer other trees than that - in every one of
--   them (at least one); not routine = novel;
-- allowed: an allowlist row (hunt_allowlist, from --allow) matches the service account, the role
--   (ARN or name) of the session or of the root, or '*', and the action or eventName (or '*').
CREATE OR REPLACE VIEW sa_tree_actions AS
SELECT
  a.*,
  t.principal,
  t.serviceAccount,
  t.cluster,
  t.issuedAt AS rootIssuedAt,
  h.sessions - 1 AS otherSessions,
  coalesce(b.sessions, 0) AS baselineSessions,
  coalesce(b.sessions, 0) > 0
    OR (
      h.sessions > 1
      AND h.sessions - 1 >= least(getvariable('hunt_routine_sessions')::BIGINT, p.sessions - 1)
    ) AS routine,
  EXISTS (
    SELECT 1
    FROM hunt_allowlist w
    WHERE (
        w.principal = '*'
        OR w.principal = t.serviceAccount
        OR w.principal = t.likelyServiceAccount
        OR w.principal = a.sessionRoleArn
        OR w.principal = t.rootRoleArn
        OR w.principal = regexp_extract(a.sessionRoleArn, '[^/]+$')
        OR w.principal = regexp_extract(t.rootRoleArn, '[^/]+$')
      )
      AND (w.eventSource = '*' OR w.eventSource = a.eventSource)
      AND (w.eventName = '*' OR w.eventName = a.action OR w.eventName = a.eventName)
  ) AS allowed
FROM sa_session_actions a
JOIN sa_trees t ON t.rootKey = a.rootKey
JOIN sa_action_history h
  ON h.principal = t.principal AND h.eventSource = a.eventSource AND h.action = a.action
JOIN sa_principals p ON p.principal = t.principal
LEFT JOIN baseline_actions b
  ON b.principal = t.principal AND b.eventSource = a.eventSource AND b.action = a.action
WHERE a.controlPlane
