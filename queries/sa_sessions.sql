-- View: sa_sessions
-- One row per service-account session (credential): session_tree's columns (key, parent key, root
-- key, root attribution, role) and what the credential did: firstSeen, lastSeen, eventCount,
-- actions (distinct control-plane actions), sensitiveByCategory (category → distinct sensitive
-- actions), sensitiveActions, deniedActions (sensitive actions with a failed attempt),
-- dataPlaneEvents, sourceIPs, userAgents. Issued keys that were never used have eventCount 0.
CREATE OR REPLACE VIEW sa_sessions AS
WITH
stats AS (
  SELECT
    accessKeyId,
    sum(events) AS eventCount,
    min(firstTime) AS firstSeen,
    max(lastTime) AS lastSeen,
    list(DISTINCT action ORDER BY action) FILTER (WHERE controlPlane) AS actions,
    list(DISTINCT action ORDER BY action) FILTER (WHERE category IS NOT NULL) AS sensitiveActions,
    list(DISTINCT action ORDER BY action) FILTER (WHERE category IS NOT NULL AND failed)
      AS deniedActions,
    coalesce(sum(events) FILTER (WHERE NOT controlPlane), 0) AS dataPlaneEvents,
    list_sort(list_distinct(flatten(list(ips)))) AS sourceIPs,
    list_sort(list_distinct(flatten(list(userAgents)))) AS userAgents
  FROM sa_session_actions
  GROUP BY accessKeyId
),
by_category AS (
  SELECT accessKeyId, map_from_entries(list({'key': category, 'value': acts} ORDER BY category))
    AS sensitiveByCategory
  FROM (
    SELECT accessKeyId, category, list(DISTINCT action ORDER BY action) AS acts
    FROM sa_session_actions
    WHERE category IS NOT NULL
    GROUP BY accessKeyId, category
  )
  GROUP BY accessKeyId
)
SELECT
  t.*,
  s.firstSeen,
  s.lastSeen,
  coalesce(s.eventCount, 0) AS eventCount,
  coalesce(s.actions, []) AS actions,
  coalesce(s.sensitiveActions, []) AS sensitiveActions,
  b.sensitiveByCategory,
  coalesce(s.deniedActions, []) AS deniedActions,
  coalesce(s.dataPlaneEvents, 0) AS dataPlaneEvents,
  coalesce(s.sourceIPs, []) AS sourceIPs,
  coalesce(s.userAgents, []) AS userAgents
FROM session_tree t
LEFT JOIN stats s ON s.accessKeyId = t.accessKeyId
LEFT JOIN by_category b ON b.accessKeyId = t.accessKeyId
