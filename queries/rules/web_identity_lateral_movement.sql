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
attempts AS (
  SELECT a.rootKey, a.action, a.failed, unnest(a.sensitiveTimes) AS eventTime
  FROM sa_tree_actions a
  WHERE a.category IS NOT NULL AND NOT a.allowed
),
windows AS (
  SELECT
    rootKey,
    eventTime AS windowStart,
    max(eventTime) OVER w AS windowEnd,
    count(DISTINCT action) OVER w AS matched,
    list(DISTINCT action ORDER BY action) OVER w AS matchedActions,
    list(DISTINCT CASE WHEN failed THEN action END ORDER BY action) OVER w AS deniedInWindow
  FROM attempts
  WINDOW w AS (
    PARTITION BY rootKey ORDER BY eventTime
    RANGE BETWEEN CURRENT ROW AND to_minutes(getvariable('hunt_window_minutes')::BIGINT) FOLLOWING
  )
)
SELECT
  rootKey,
  matched,
  matchedActions,
  list_filter(deniedInWindow, x -> x IS NOT NULL) AS deniedInWindow,
  windowStart,
  windowEnd
FROM windows
WHERE matched >= getvariable('hunt_min_actions')::BIGINT
QUALIFY row_number() OVER (PARTITION BY rootKey ORDER BY matched DESC, windowStart) = 1
ORDER BY rootKey
