-- View: sa_session_actions
-- sa_events aggregated per credential and action (and outcome): the working set of the rules.
-- sensitiveTimes lists the times of the attempts when the action is sensitive (for the sliding
-- window); ips and userAgents are the distinct values seen.
CREATE OR REPLACE VIEW sa_session_actions AS
SELECT
  accessKeyId,
  any_value(rootKey) AS rootKey,
  eventSource,
  action,
  any_value(eventName) AS eventName,
  category,
  controlPlane,
  failed,
  count(*) AS events,
  min(eventTime) AS firstTime,
  max(eventTime) AS lastTime,
  CASE WHEN category IS NOT NULL THEN list(eventTime ORDER BY eventTime) END AS sensitiveTimes,
  list(DISTINCT errorCode ORDER BY errorCode) FILTER (WHERE errorCode IS NOT NULL) AS errorCodes,
  list(DISTINCT sourceIPAddress ORDER BY sourceIPAddress) FILTER (WHERE sourceIPAddress IS NOT NULL)
    AS ips,
  list(DISTINCT userAgent ORDER BY userAgent) FILTER (WHERE userAgent IS NOT NULL) AS userAgents,
  min(sessionRoleArn) AS sessionRoleArn,
  min(federatedProvider) AS federatedProvider,
  min(principalId) AS principalId,
  min(accountId) AS accountId
FROM sa_events
GROUP BY accessKeyId, eventSource, action, category, controlPlane, failed
