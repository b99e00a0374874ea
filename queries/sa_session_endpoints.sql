-- View: sa_session_endpoints
-- One row per service-account credential, source IP and user agent, with its tree (rootKey):
-- events, firstTime, lastTime.
CREATE OR REPLACE VIEW sa_session_endpoints AS
SELECT
  f.accessKeyId,
  coalesce(l.rootKey, f.accessKeyId) AS rootKey,
  f.sourceIPAddress,
  f.userAgent,
  f.events,
  f.firstTime,
  f.lastTime
FROM sa_session_facts f
LEFT JOIN session_links l ON l.accessKeyId = f.accessKeyId
WHERE f.kind = 'endpoint'
