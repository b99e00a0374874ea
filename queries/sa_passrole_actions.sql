-- View: sa_passrole_actions
-- ec2 RunInstances calls by service-account credentials that pass a role to the instance
-- (requestParameters.iamInstanceProfile set; iam:PassRole is not logged by itself), aggregated
-- like sa_session_facts' action rows with action 'RunInstances+PassRole'. Reading
-- requestParameters is costly, so hunt() computes this only when some service-account
-- credential called RunInstances at all.
CREATE OR REPLACE VIEW sa_passrole_actions AS
SELECT
  e.userIdentity.accessKeyId AS accessKeyId,
  e.eventSource,
  'RunInstances+PassRole' AS action,
  e.errorCode IS NOT NULL AS failed,
  coalesce(e.eventCategory = 'Data', false) AS dataEvent,
  count(*) AS events,
  min(e.eventTime) AS firstTime,
  max(e.eventTime) AS lastTime,
  list(e.eventTime) AS candidateTimes
FROM events e
SEMI JOIN (
  SELECT accessKeyId FROM sa_session_facts WHERE kind = 'action' AND action = 'RunInstances'
) k ON k.accessKeyId = e.userIdentity.accessKeyId
WHERE e.eventName = 'RunInstances'
  AND e.eventSource = 'ec2.amazonaws.com'
  AND (e.requestParameters -> '$.iamInstanceProfile') IS NOT NULL
GROUP BY ALL
