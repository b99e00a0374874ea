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
  SELECT rootKey, action, failed, sensitiveTimes AS times
  FROM sa_tree_actions
  WHERE category IS NOT NULL AND NOT allowed
),
eligible AS (
  SELECT rootKey
  FROM sensitive
  GROUP BY rootKey
  HAVING count(DISTINCT action) >= getvariable('hunt_min_actions')::BIGINT
),
kept AS MATERIALIZED (
  -- The first and last attempt of each action and outcome in each window-long bucket of time.
  -- A window holds an attempt only if it holds one of these (two kept attempts with only
  -- dropped ones between them are less than a window apart), and sliding a window's start
  -- forward to the next kept attempt loses no action: the most actions are found among
  -- windows that start at a kept attempt, without sorting every attempt.
  SELECT rootKey, action, unnest([first, last]) AS eventTime
  FROM (
    SELECT rootKey, action, min(t) AS first, max(t) AS last
    FROM (
      SELECT s.rootKey, s.action, s.failed, unnest(s.times) AS t
      FROM sensitive s
      SEMI JOIN eligible e ON e.rootKey = s.rootKey
    )
    GROUP BY rootKey, action, failed,
      floor(epoch(t) / (getvariable('hunt_window_minutes')::BIGINT * 60))
  )
),
scores AS (
  SELECT
    rootKey,
    eventTime,
    count(DISTINCT action) OVER w AS matched
  FROM kept
  WINDOW w AS (
    PARTITION BY rootKey ORDER BY eventTime
    RANGE BETWEEN CURRENT ROW AND to_minutes(getvariable('hunt_window_minutes')::BIGINT) FOLLOWING
  )
),
top AS (
  -- The earliest kept start with the most actions, and the kept time before it.
  SELECT
    t.rootKey,
    t.eventTime AS keptStart,
    (SELECT max(k.eventTime) FROM kept k WHERE k.rootKey = t.rootKey AND k.eventTime < t.eventTime)
      AS previous
  FROM scores t
  WHERE t.matched >= getvariable('hunt_min_actions')::BIGINT
  QUALIFY row_number() OVER (PARTITION BY t.rootKey ORDER BY t.matched DESC, t.eventTime) = 1
),
earlier AS (
  -- An earlier window with as many actions can only start between those two times.
  SELECT
    s.rootKey,
    s.action,
    unnest(list_filter(s.times, lambda t: (p.previous IS NULL OR t > p.previous)
      AND t < p.keptStart)) AS eventTime
  FROM top p
  JOIN sensitive s ON s.rootKey = p.rootKey
),
windows AS (
  SELECT
    rootKey,
    eventTime AS windowStart,
    count(DISTINCT action) OVER w AS matched
  FROM (
    SELECT k.rootKey, k.action, k.eventTime FROM kept k SEMI JOIN top p ON p.rootKey = k.rootKey
    UNION ALL
    SELECT rootKey, action, eventTime FROM earlier
  )
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
),
hits AS (
  SELECT
    b.rootKey,
    b.matched,
    b.windowStart,
    s.action,
    s.failed,
    list_filter(s.times, lambda t: t >= b.windowStart
      AND t <= b.windowStart + to_minutes(getvariable('hunt_window_minutes')::BIGINT)) AS times
  FROM best b
  JOIN sensitive s ON s.rootKey = b.rootKey
)
SELECT
  rootKey,
  matched,
  list(DISTINCT action ORDER BY action) FILTER (WHERE len(times) > 0) AS matchedActions,
  coalesce(list(DISTINCT action ORDER BY action) FILTER (WHERE failed AND len(times) > 0), [])
    AS deniedInWindow,
  windowStart,
  max(list_max(times)) AS windowEnd
FROM hits
GROUP BY rootKey, matched, windowStart
ORDER BY rootKey
