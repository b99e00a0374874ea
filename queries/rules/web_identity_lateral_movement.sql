-- id: web-identity-lateral-movement
-- title: Service-account session tree performs several sensitive actions within a short window
-- severity: high
-- attack: T1078.004, T1550.001, T1580, T1555.006, T1098, T1136.003, T1021.007, T1562.008
-- threshold: minActions = 3 (--min-actions)
-- threshold: windowMinutes = 60 (--window)
-- description: Within one service-account session tree (the credential issued to a pod by IRSA
--   or EKS Pod Identity, a web-identity session without its issuance record, and every session
--   chained from it by sts:AssumeRole), at least minActions distinct sensitive actions of the
--   catalog (queries/action_catalog.csv) occur within windowMinutes of each other. The window
--   slides: it starts at every sensitive attempt, so a burst that straddles an hour boundary is
--   seen. Failed attempts (AccessDenied and other errors) count and are reported as denied;
--   the issuance itself never counts. The best window (most distinct actions, earliest) is
--   reported. Allowlisted actions do not count.
-- false positives: Controllers whose job is sensitive (karpenter launching instances,
--   external-secrets reading secrets, velero snapshotting) reach the threshold every session;
--   the severity model marks their actions routine (seen in >= 3 other sessions of the same
--   service account, or in --baseline) and rates them info. New deployments of such controllers
--   look novel until they have history: give a --baseline lake or an --allow file.
WITH
sensitive AS MATERIALIZED (
  SELECT rootKey, action, failed, sensitiveTimes
  FROM sa_tree_actions
  WHERE category IS NOT NULL AND NOT allowed
),
-- Only trees with enough distinct sensitive actions in all can have a window that has them.
eligible AS (
  SELECT rootKey
  FROM sensitive
  GROUP BY rootKey
  HAVING count(DISTINCT action) >= getvariable('hunt_min_actions')::BIGINT
),
attempts AS MATERIALIZED (
  SELECT s.rootKey, s.action, s.failed, unnest(s.sensitiveTimes) AS eventTime
  FROM sensitive s
  SEMI JOIN eligible e ON e.rootKey = s.rootKey
),
-- Windows start at attempts. An attempt whose previous and next attempt of the same action and
-- outcome lie within one window of each other changes no window's set of actions and never
-- starts the best one (that starts at the last attempt before a gap), so it is left out here;
-- the chosen window is then filled from every attempt.
starts AS (
  SELECT rootKey, action, eventTime
  FROM (
    SELECT
      *,
      lag(eventTime) OVER run AS previous,
      lead(eventTime) OVER run AS next
    FROM attempts
    WINDOW run AS (PARTITION BY rootKey, action, failed ORDER BY eventTime)
  )
  WHERE previous IS NULL
    OR next IS NULL
    OR next > previous + to_minutes(getvariable('hunt_window_minutes')::BIGINT)
),
windows AS (
  SELECT
    rootKey,
    eventTime AS windowStart,
    count(DISTINCT action) OVER w AS matched
  FROM starts
  WINDOW w AS (
    PARTITION BY rootKey ORDER BY eventTime
    RANGE BETWEEN CURRENT ROW AND to_minutes(getvariable('hunt_window_minutes')::BIGINT) FOLLOWING
  )
),
best AS (
  SELECT *
  FROM windows
  WHERE matched >= getvariable('hunt_min_actions')::BIGINT
  QUALIFY row_number() OVER (PARTITION BY rootKey ORDER BY matched DESC, windowStart) = 1
)
SELECT
  b.rootKey,
  b.matched,
  list(DISTINCT a.action ORDER BY a.action) AS matchedActions,
  coalesce(list(DISTINCT a.action ORDER BY a.action) FILTER (WHERE a.failed), [])
    AS deniedInWindow,
  b.windowStart,
  max(a.eventTime) AS windowEnd
FROM best b
JOIN attempts a
  ON a.rootKey = b.rootKey
  AND a.eventTime >= b.windowStart
  AND a.eventTime <= b.windowStart + to_minutes(getvariable('hunt_window_minutes')::BIGINT)
GROUP BY b.rootKey, b.matched, b.windowStart
ORDER BY b.rootKey
