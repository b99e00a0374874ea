-- View: sa_sessions
-- One row per service-account session (credential): session_tree's columns (key, parent key, root
-- key, depth, role), the root's attribution from sa_trees (attribution, subject, serviceAccount,
-- likelyServiceAccount, podName, cluster, rootRoleArn, issuedAt, accountId) and what the
-- credential did: firstSeen, lastSeen, eventCount,
-- actions (distinct control-plane actions), sensitiveByCategory (category → distinct sensitive
-- actions), sensitiveActions, deniedActions (sensitive actions with a failed attempt),
-- dataPlaneEvents, sourceIPs, userAgents. Issued keys that were never used have eventCount 0.
CREATE OR REPLACE VIEW sa_sessions AS
WITH
acts AS MATERIALIZED (
  SELECT * FROM sa_session_actions
),
stats AS (
  SELECT
    accessKeyId,
    list(DISTINCT action ORDER BY action) FILTER (WHERE controlPlane) AS actions,
    list(DISTINCT action ORDER BY action) FILTER (WHERE category IS NOT NULL) AS sensitiveActions,
    list(DISTINCT action ORDER BY action) FILTER (WHERE category IS NOT NULL AND failed)
      AS deniedActions,
    coalesce(sum(events) FILTER (WHERE NOT controlPlane), 0) AS dataPlaneEvents
  FROM acts
  GROUP BY accessKeyId
),
by_category AS (
  SELECT accessKeyId, map_from_entries(list({'key': category, 'value': acts} ORDER BY category))
    AS sensitiveByCategory
  FROM (
    SELECT accessKeyId, category, list(DISTINCT action ORDER BY action) AS acts
    FROM acts
    WHERE category IS NOT NULL
    GROUP BY accessKeyId, category
  )
  GROUP BY accessKeyId
),
endpoints AS (
  SELECT
    accessKeyId,
    sum(events) AS eventCount,
    min(firstTime) AS firstSeen,
    max(lastTime) AS lastSeen,
    list(DISTINCT sourceIPAddress ORDER BY sourceIPAddress) FILTER (WHERE sourceIPAddress IS NOT NULL)
      AS sourceIPs,
    list(DISTINCT userAgent ORDER BY userAgent) FILTER (WHERE userAgent IS NOT NULL) AS userAgents
  FROM sa_session_endpoints
  GROUP BY accessKeyId
)
SELECT
  t.*,
  r.attribution,
  r.subject,
  r.serviceAccount,
  r.likelyServiceAccount,
  r.podName,
  r.cluster,
  r.rootRoleArn,
  r.issuedAt,
  r.accountId,
  e.firstSeen,
  e.lastSeen,
  coalesce(e.eventCount, 0) AS eventCount,
  coalesce(s.actions, []) AS actions,
  coalesce(s.sensitiveActions, []) AS sensitiveActions,
  b.sensitiveByCategory,
  coalesce(s.deniedActions, []) AS deniedActions,
  coalesce(s.dataPlaneEvents, 0) AS dataPlaneEvents,
  coalesce(e.sourceIPs, []) AS sourceIPs,
  coalesce(e.userAgents, []) AS userAgents
FROM session_tree t
JOIN sa_trees r ON r.rootKey = t.rootKey
LEFT JOIN endpoints e ON e.accessKeyId = t.accessKeyId
LEFT JOIN stats s ON s.accessKeyId = t.accessKeyId
LEFT JOIN by_category b ON b.accessKeyId = t.accessKeyId
