-- View: sa_session_facts
-- sa_calls aggregated in one pass two ways (GROUPING SETS):
-- kind = 'action': one row per credential, eventSource, eventName and outcome (events,
--   firstTime, lastTime, and candidateTimes: the times of the attempts when the eventName is in
--   the catalog);
-- kind = 'endpoint': one row per credential, source IP and user agent (events, firstTime,
--   lastTime), with what the calls say about the session (sessionRoleArn, federatedProvider,
--   principalId) filled in only for credentials that no issuance or chain hop describes
--   (web-identity sessions known from their own calls).
-- The grouping keys are kept short on purpose: this is the one aggregation over every call.
-- sa_session_actions, sa_session_endpoints and session_tree read it.
CREATE OR REPLACE VIEW sa_session_facts AS
WITH calls AS (
  SELECT
    accessKeyId,
    eventTime,
    eventSource,
    eventName,
    failed,
    dataEvent,
    sourceIPAddress,
    userAgent,
    CASE WHEN NOT described THEN sessionRoleArn END AS ownRoleArn,
    CASE WHEN NOT described THEN federatedProvider END AS ownFederatedProvider,
    CASE WHEN NOT described THEN principalId END AS ownPrincipalId
  FROM sa_calls
)
SELECT
  CASE WHEN grouping(eventSource) = 0 THEN 'action' ELSE 'endpoint' END AS kind,
  accessKeyId,
  eventSource,
  eventName AS action,
  failed,
  dataEvent,
  sourceIPAddress,
  userAgent,
  ownRoleArn AS sessionRoleArn,
  ownFederatedProvider AS federatedProvider,
  ownPrincipalId AS principalId,
  count(*) AS events,
  min(eventTime) AS firstTime,
  max(eventTime) AS lastTime,
  list(eventTime) FILTER (
    WHERE eventName IN (SELECT eventName FROM action_catalog WHERE category <> 'data-plane')
  ) AS candidateTimes
FROM calls
GROUP BY GROUPING SETS (
  (accessKeyId, eventSource, eventName, failed, dataEvent),
  (accessKeyId, sourceIPAddress, userAgent, ownRoleArn, ownFederatedProvider, ownPrincipalId)
)
