-- View: sa_session_facts
-- The calls of every service-account session key, aggregated from the lake's activity index
-- (key_activity) two ways (GROUPING SETS). The keys are those of session_links (issued to a
-- service account, or chained from one) and every key whose calls carry
-- userIdentity.sessionContext.webIdFederationData.federatedProvider (a web-identity session even
-- when its issuance is not in the lake); calls by humans (IAM users, SSO roles) and other roles
-- never appear. (sa_calls is the same selection, call by call.)
-- kind = 'action': one row per credential, eventSource, action and outcome (events, firstTime,
--   lastTime, and candidateTimes: the times of the attempts when the action is in the catalog);
--   action is the eventName, or "RunInstances+PassRole" for RunInstances with an instance profile
--   (those calls are in the RunInstances row too).
-- kind = 'endpoint': one row per credential, source IP and user agent (events, firstTime,
--   lastTime), with what the calls say about the session (sessionRoleArn, federatedProvider,
--   principalId) filled in only for credentials that no issuance or chain hop describes
--   (web-identity sessions known from their own calls).
-- sa_session_actions, sa_session_endpoints and sa_trees read it.
CREATE OR REPLACE VIEW sa_session_facts AS
WITH activity AS (
  SELECT
    a.*,
    coalesce(l.depth > 0 OR l.issued, false) AS described
  FROM key_activity a
  LEFT JOIN session_links l ON l.accessKeyId = a.accessKeyId
  WHERE l.accessKeyId IS NOT NULL OR a.federatedProvider IS NOT NULL
),
calls AS (
  SELECT
    accessKeyId,
    eventSource,
    action,
    failed,
    dataEvent,
    sourceIPAddress,
    userAgent,
    CASE WHEN NOT described THEN sessionRoleArn END AS ownRoleArn,
    CASE WHEN NOT described THEN federatedProvider END AS ownFederatedProvider,
    CASE WHEN NOT described THEN principalId END AS ownPrincipalId,
    events,
    firstTime,
    lastTime,
    times,
    action = 'RunInstances+PassRole' AS extraRow
  FROM activity
)
SELECT
  CASE WHEN grouping(eventSource) = 0 THEN 'action' ELSE 'endpoint' END AS kind,
  accessKeyId,
  eventSource,
  action,
  failed,
  dataEvent,
  sourceIPAddress,
  userAgent,
  ownRoleArn AS sessionRoleArn,
  ownFederatedProvider AS federatedProvider,
  ownPrincipalId AS principalId,
  -- The extra PassRole rows repeat RunInstances calls: they count as actions, not as endpoints.
  CASE WHEN grouping(eventSource) = 0 THEN sum(events) ELSE sum(events) FILTER (WHERE NOT extraRow) END
    AS events,
  CASE WHEN grouping(eventSource) = 0 THEN min(firstTime) ELSE min(firstTime) FILTER (WHERE NOT extraRow) END
    AS firstTime,
  CASE WHEN grouping(eventSource) = 0 THEN max(lastTime) ELSE max(lastTime) FILTER (WHERE NOT extraRow) END
    AS lastTime,
  flatten(list(times) FILTER (
    WHERE action IN (SELECT eventName FROM action_catalog WHERE category <> 'data-plane')
  )) AS candidateTimes
FROM calls
GROUP BY GROUPING SETS (
  (accessKeyId, eventSource, action, failed, dataEvent),
  (accessKeyId, sourceIPAddress, userAgent, ownRoleArn, ownFederatedProvider, ownPrincipalId)
)
