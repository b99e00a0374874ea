-- View: sa_tree_summary
-- One row per session tree with everything the severity model weighs (hunt/severity.ts):
-- the tree's attribution (sa_trees), eventCount, firstSeen, lastSeen, sourceIPs, userAgents,
-- actionRows (one struct per credential, action and outcome, control-plane only, with category,
-- routine, allowed, otherSessions, baselineSessions), sessionRows (credential, parent, depth,
-- role), peerSessions (other trees of the principal in the lake), baselinePeerSessions,
-- foreignIPs (public source IPs no other tree of the same cluster used; only when the cluster has
-- at least hunt_routine_sessions other trees), deniedIssuances (failed issuances for the same
-- service account within an hour of the tree's activity).
CREATE OR REPLACE VIEW sa_tree_summary AS
WITH
acts AS (
  SELECT
    rootKey,
    list({
      'accessKeyId': accessKeyId, 'eventSource': eventSource, 'action': action,
      'category': category, 'failed': failed, 'events': events, 'firstTime': firstTime,
      'lastTime': lastTime, 'routine': routine, 'allowed': allowed,
      'otherSessions': otherSessions, 'baselineSessions': baselineSessions
    } ORDER BY action, eventSource, accessKeyId, failed) AS actionRows
  FROM sa_tree_actions
  GROUP BY rootKey
),
stats AS (
  SELECT
    rootKey,
    sum(events) AS eventCount,
    min(firstTime) AS firstSeen,
    max(lastTime) AS lastSeen,
    list_sort(list_distinct(flatten(list(ips)))) AS sourceIPs,
    list_sort(list_distinct(flatten(list(userAgents)))) AS userAgents
  FROM sa_session_actions
  GROUP BY rootKey
),
sessions AS (
  SELECT
    rootKey,
    list({
      'accessKeyId': accessKeyId, 'parentKey': parentKey, 'depth': depth, 'roleArn': roleArn,
      'sessionName': sessionName
    } ORDER BY depth, chainedAt NULLS FIRST, accessKeyId) AS sessionRows
  FROM session_tree
  GROUP BY rootKey
),
tree_ips AS (
  SELECT DISTINCT a.rootKey, t.cluster, unnest(a.ips) AS ip
  FROM sa_session_actions a
  JOIN sa_trees t ON t.rootKey = a.rootKey
),
public_ips AS (
  SELECT *
  FROM tree_ips
  WHERE regexp_matches(ip, '^[0-9]{1,3}(\.[0-9]{1,3}){3}$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*$')
    AND NOT regexp_matches(
      ip, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|127\.|169\.254\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)'
    )
),
cluster_trees AS (
  SELECT cluster, count(*) AS trees FROM sa_trees WHERE cluster IS NOT NULL GROUP BY cluster
),
foreign_ips AS (
  SELECT p.rootKey, list(DISTINCT p.ip ORDER BY p.ip) AS foreignIPs
  FROM public_ips p
  JOIN cluster_trees c ON c.cluster = p.cluster
  WHERE c.trees - 1 >= getvariable('hunt_routine_sessions')::BIGINT
    AND NOT EXISTS (
      SELECT 1 FROM tree_ips o WHERE o.cluster = p.cluster AND o.ip = p.ip AND o.rootKey <> p.rootKey
    )
  GROUP BY p.rootKey
),
denied_issuances AS (
  SELECT
    t.rootKey,
    list({
      'eventTime': i.eventTime, 'roleArn': i.roleArn, 'errorCode': i.errorCode, 'via': i.via
    } ORDER BY i.eventTime, i.eventID) AS deniedIssuances
  FROM sa_trees t
  JOIN stats s ON s.rootKey = t.rootKey
  JOIN sa_issuances i
    ON NOT i.succeeded
    AND i.serviceAccount = coalesce(t.serviceAccount, t.likelyServiceAccount)
    AND i.cluster IS NOT DISTINCT FROM t.cluster
    AND i.eventTime BETWEEN s.firstSeen - INTERVAL 1 HOUR AND s.lastSeen + INTERVAL 1 HOUR
  GROUP BY t.rootKey
)
SELECT
  t.*,
  coalesce(s.eventCount, 0) AS eventCount,
  s.firstSeen,
  s.lastSeen,
  coalesce(s.sourceIPs, []) AS sourceIPs,
  coalesce(s.userAgents, []) AS userAgents,
  coalesce(a.actionRows, []) AS actionRows,
  ses.sessionRows,
  p.sessions - 1 AS peerSessions,
  coalesce(bp.sessions, 0) AS baselinePeerSessions,
  coalesce(f.foreignIPs, []) AS foreignIPs,
  coalesce(d.deniedIssuances, []) AS deniedIssuances
FROM sa_trees t
LEFT JOIN stats s ON s.rootKey = t.rootKey
LEFT JOIN acts a ON a.rootKey = t.rootKey
LEFT JOIN sessions ses ON ses.rootKey = t.rootKey
LEFT JOIN sa_principals p ON p.principal = t.principal
LEFT JOIN baseline_principals bp ON bp.principal = t.principal
LEFT JOIN foreign_ips f ON f.rootKey = t.rootKey
LEFT JOIN denied_issuances d ON d.rootKey = t.rootKey
