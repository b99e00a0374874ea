-- View: sa_session_actions
-- One row per credential, action and outcome (failed) with its tree (rootKey) and the catalog's
-- category: the working set of the rules. Actions are eventNames, plus 'RunInstances+PassRole'
-- (RunInstances with an instance profile). controlPlane is false for data events (S3 object-level calls and
-- everything with eventCategory = 'Data'); category is null unless the action is sensitive;
-- sensitiveTimes lists the times of the attempts of a sensitive action (for the sliding window).
CREATE OR REPLACE VIEW sa_session_actions AS
WITH f AS (
  SELECT accessKeyId, eventSource, action, failed, dataEvent, events, firstTime, lastTime,
    candidateTimes
  FROM sa_session_facts
  WHERE kind = 'action'
)
SELECT
  f.accessKeyId,
  coalesce(l.rootKey, f.accessKeyId) AS rootKey,
  f.eventSource,
  f.action,
  replace(f.action, '+PassRole', '') AS eventName,
  CASE WHEN f.dataEvent OR c.category = 'data-plane' THEN NULL ELSE c.category END AS category,
  NOT (f.dataEvent OR coalesce(c.category = 'data-plane', false)) AS controlPlane,
  f.failed,
  f.events,
  f.firstTime,
  f.lastTime,
  CASE
    WHEN NOT f.dataEvent AND c.category IS NOT NULL AND c.category <> 'data-plane'
    THEN f.candidateTimes
  END AS sensitiveTimes
FROM f
LEFT JOIN session_links l ON l.accessKeyId = f.accessKeyId
LEFT JOIN action_catalog c ON c.eventSource = f.eventSource AND c.eventName = f.action
