-- View: sa_tree_summary
-- One row per session tree with everything the severity model weighs (hunt/severity.ts): the
-- tree's attribution (sa_trees), eventCount, firstSeen, lastSeen, sourceIPs, userAgents,
-- actionRows (one struct per credential, action and outcome, control-plane only, with category,
-- routine, allowed, otherSessions, baselineSessions), sessionRows (credential, parent, depth,
-- role, session name; root first), peerSessions (other trees of the principal in the lake),
-- baselinePeerSessions, foreignIPs (public source IPs no other tree of the same cluster used;
-- only when the cluster has at least hunt_routine_sessions other trees), deniedIssuances
-- (failed issuances for the same service account within an hour of the tree's activity).
-- When the table hunt_scope holds root keys, only those trees are summarised (hunt() puts the
-- trees its rules flagged there); when it is empty, every tree is.
CREATE OR REPLACE VIEW sa_tree_summary AS
WITH
all_trees AS (
  SELECT * FROM sa_trees
),
scope AS MATERIALIZED (
  SELECT rootKey FROM hunt_scope
  UNION ALL
  SELECT rootKey FROM all_trees WHERE NOT EXISTS (SELECT 1 FROM hunt_scope)
),
t AS MATERIALIZED (
  SELECT * FROM all_trees SEMI JOIN scope ON scope.rootKey = all_trees.rootKey
),
acts AS (
  SELECT
    a.rootKey,
    list({
      'accessKeyId': accessKeyId, 'eventSource': eventSource, 'action': action,
      'category': category, 'failed': failed, 'events': events, 'firstTime': firstTime,
      'lastTime': lastTime, 'routine': routine, 'allowed': allowed,
      'otherSessions': otherSessions, 'baselineSessions': baselineSessions
    } ORDER BY action, eventSource, accessKeyId, failed) AS actionRows
  FROM sa_tree_actions a
  SEMI JOIN scope ON scope.rootKey = a.rootKey
  GROUP BY a.rootKey
),
endpoints AS (
  SELECT e.rootKey, e.sourceIPAddress, e.userAgent, e.events, e.firstTime, e.lastTime
  FROM sa_session_endpoints e
),
scoped_endpoints AS MATERIALIZED (
  SELECT e.* FROM endpoints e SEMI JOIN scope ON scope.rootKey = e.rootKey
),
stats AS MATERIALIZED (
  SELECT
    e.rootKey,
    sum(events) AS eventCount,
    min(firstTime) AS firstSeen,
    max(lastTime) AS lastSeen,
    list(DISTINCT sourceIPAddress ORDER BY sourceIPAddress) FILTER (WHERE sourceIPAddress IS NOT NULL)
      AS sourceIPs,
    list(DISTINCT userAgent ORDER BY userAgent) FILTER (WHERE userAgent IS NOT NULL) AS userAgents
  FROM scoped_endpoints e
  GROUP BY e.rootKey
),
sessions AS (
  SELECT
    s.rootKey,
    list({
      'accessKeyId': accessKeyId, 'parentKey': parentKey, 'depth': depth, 'roleArn': roleArn,
      'sessionName': sessionName
    } ORDER BY depth, chainedAt NULLS FIRST, accessKeyId) AS sessionRows
  FROM session_tree s
  SEMI JOIN scope ON scope.rootKey = s.rootKey
  GROUP BY s.rootKey
),
-- How many trees of a cluster used each source IP of a scoped tree (all trees count).
ip_trees AS (
  SELECT a.cluster, e.sourceIPAddress AS ip, count(DISTINCT e.rootKey) AS trees
  FROM endpoints e
  JOIN all_trees a ON a.rootKey = e.rootKey
  SEMI JOIN (SELECT DISTINCT sourceIPAddress FROM scoped_endpoints) s
    ON s.sourceIPAddress = e.sourceIPAddress
  WHERE a.cluster IS NOT NULL
  GROUP BY a.cluster, e.sourceIPAddress
),
cluster_trees AS (
  SELECT cluster, count(*) AS trees FROM all_trees WHERE cluster IS NOT NULL GROUP BY cluster
),
foreign_ips AS (
  SELECT t.rootKey, list(DISTINCT e.sourceIPAddress ORDER BY e.sourceIPAddress) AS foreignIPs
  FROM t
  JOIN scoped_endpoints e ON e.rootKey = t.rootKey
  JOIN ip_trees n ON n.cluster = t.cluster AND n.ip = e.sourceIPAddress
  JOIN cluster_trees c ON c.cluster = t.cluster
  WHERE n.trees = 1
    AND c.trees - 1 >= getvariable('hunt_routine_sessions')::BIGINT
    AND regexp_matches(e.sourceIPAddress, '^[0-9]{1,3}(\.[0-9]{1,3}){3}$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*$')
    AND NOT regexp_matches(
      e.sourceIPAddress,
      '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|127\.|169\.254\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)'
    )
  GROUP BY t.rootKey
),
principals AS (
  SELECT principal, count(*) AS sessions FROM all_trees GROUP BY principal
),
denied_issuances AS (
  SELECT
    t.rootKey,
    list({
      'eventTime': i.eventTime, 'roleArn': i.roleArn, 'errorCode': i.errorCode, 'via': i.via
    } ORDER BY i.eventTime, i.eventID) AS deniedIssuances
  FROM t
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
  list_transform(ses.sessionRows, lambda x: x.accessKeyId) AS sessionKeys,
  p.sessions - 1 AS peerSessions,
  coalesce(bp.sessions, 0) AS baselinePeerSessions,
  coalesce(f.foreignIPs, []) AS foreignIPs,
  coalesce(d.deniedIssuances, []) AS deniedIssuances
FROM t
LEFT JOIN stats s ON s.rootKey = t.rootKey
LEFT JOIN acts a ON a.rootKey = t.rootKey
LEFT JOIN sessions ses ON ses.rootKey = t.rootKey
LEFT JOIN principals p ON p.principal = t.principal
LEFT JOIN baseline_principals bp ON bp.principal = t.principal
LEFT JOIN foreign_ips f ON f.rootKey = t.rootKey
LEFT JOIN denied_issuances d ON d.rootKey = t.rootKey
