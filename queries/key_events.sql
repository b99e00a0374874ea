-- Query: key_events
-- Every call made with one access key (getvariable('timeline_key')) that belongs to no
-- service-account tree (an IAM user's or a human's role session), in time order, in the columns
-- of the timeline query.
SELECT
  e.eventTime,
  e.eventID,
  'call' AS kind,
  e.userIdentity.accessKeyId AS accessKeyId,
  NULL::VARCHAR AS parentKey,
  0 AS depth,
  e.eventSource,
  e.eventName,
  CASE
    WHEN coalesce(e.eventCategory = 'Data', false) OR c.category = 'data-plane' THEN NULL
    ELSE c.category
  END AS category,
  NOT (coalesce(e.eventCategory = 'Data', false) OR coalesce(c.category = 'data-plane', false))
    AS controlPlane,
  e.errorCode,
  e.errorMessage,
  e.sourceIPAddress,
  e.userAgent,
  e.awsRegion,
  e.readOnly,
  coalesce(e.userIdentity.sessionContext.sessionIssuer.arn, e.userIdentity.arn) AS roleArn,
  e.userIdentity.sessionContext.webIdFederationData.federatedProvider AS federatedProvider,
  NULL::VARCHAR AS subject,
  NULL::VARCHAR AS serviceAccount,
  NULL::VARCHAR AS cluster,
  NULL::VARCHAR AS attribution,
  e.requestParameters
FROM events e
LEFT JOIN action_catalog c ON c.eventSource = e.eventSource AND c.eventName = e.eventName
WHERE e.userIdentity.accessKeyId = getvariable('timeline_key')::VARCHAR
ORDER BY e.eventTime, e.eventID
