-- Query: key_activity
-- The lake's activity index: every call made with an access key, rolled up per day, credential,
-- action, outcome and calling context, so that the hunt reads a few thousand rows instead of
-- every event. Written by ingest beside the events of each batch (index/activity/day=…/) from
-- the batch's new rows only, so sums over batches are exact; the hunt reads the same query over
-- events for days the index does not cover whole (see queries/open_lake.ts).
-- action: eventName, plus an extra row "RunInstances+PassRole" for RunInstances calls that pass
-- an instance profile (those calls count in both rows, as the catalog lists both).
-- times: every call's time, data events (eventCategory = 'Data') left out: the sliding-window
-- rule needs them, and data events never count.
-- Reads the relation index_input (columns of events).
WITH calls AS (
  SELECT
    coalesce(strftime(eventTime, '%Y-%m-%d'), 'undated') AS day,
    userIdentity.accessKeyId AS accessKeyId,
    eventSource,
    eventName,
    eventTime,
    errorCode IS NOT NULL AS failed,
    coalesce(eventCategory = 'Data', false) AS dataEvent,
    sourceIPAddress,
    userAgent,
    userIdentity.sessionContext.sessionIssuer.arn AS sessionRoleArn,
    userIdentity.sessionContext.webIdFederationData.federatedProvider AS federatedProvider,
    userIdentity.principalId AS principalId
  FROM index_input
  WHERE userIdentity.accessKeyId IS NOT NULL
),
pass_role AS (
  -- The same columns again for RunInstances with an instance profile, read apart so that
  -- requestParameters is decoded only where RunInstances calls are (a join back to calls on the
  -- rows' provenance costs more than it saves).
  SELECT
    coalesce(strftime(eventTime, '%Y-%m-%d'), 'undated') AS day,
    userIdentity.accessKeyId AS accessKeyId,
    eventSource,
    'RunInstances+PassRole' AS eventName,
    eventTime,
    errorCode IS NOT NULL AS failed,
    coalesce(eventCategory = 'Data', false) AS dataEvent,
    sourceIPAddress,
    userAgent,
    userIdentity.sessionContext.sessionIssuer.arn AS sessionRoleArn,
    userIdentity.sessionContext.webIdFederationData.federatedProvider AS federatedProvider,
    userIdentity.principalId AS principalId
  FROM index_input
  WHERE userIdentity.accessKeyId IS NOT NULL
    AND eventName = 'RunInstances'
    AND eventSource = 'ec2.amazonaws.com'
    AND (requestParameters -> '$.iamInstanceProfile') IS NOT NULL
)
SELECT
  day,
  accessKeyId,
  eventSource,
  eventName AS action,
  failed,
  dataEvent,
  sourceIPAddress,
  userAgent,
  sessionRoleArn,
  federatedProvider,
  principalId,
  count(*) AS events,
  min(eventTime) AS firstTime,
  max(eventTime) AS lastTime,
  coalesce(list(eventTime) FILTER (WHERE NOT dataEvent), []) AS times
FROM (SELECT * FROM calls UNION ALL SELECT * FROM pass_role)
GROUP BY ALL
