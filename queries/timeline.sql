-- Query: timeline
-- The events of one service-account session tree, in time order: the issuance of its root
-- credential (kind 'issuance', accessKeyId = the key issued) and every call made with any of its
-- credentials (kind 'call'). The tree is the one whose root is getvariable('timeline_root');
-- hunt/timeline.ts finds the root of the key it is given in session_links.
WITH
root AS (
  SELECT getvariable('timeline_root')::VARCHAR AS rootKey
),
issuance AS (
  SELECT
    i.eventTime,
    i.eventID,
    'issuance' AS kind,
    i.issuedKey AS accessKeyId,
    NULL::VARCHAR AS parentKey,
    0 AS depth,
    'sts.amazonaws.com' AS eventSource,
    CASE WHEN i.via = 'sts:AssumeRoleWithWebIdentity' THEN 'AssumeRoleWithWebIdentity' ELSE 'AssumeRole' END
      AS eventName,
    NULL::VARCHAR AS category,
    true AS controlPlane,
    i.errorCode,
    i.errorMessage,
    i.sourceIPAddress,
    i.userAgent,
    NULL::VARCHAR AS awsRegion,
    true AS readOnly,
    i.roleArn,
    NULL::VARCHAR AS federatedProvider,
    i.subject,
    i.serviceAccount,
    i.cluster,
    i.attribution,
    json_object('roleArn', i.roleArn, 'roleSessionName', i.roleSessionName) AS requestParameters
  FROM sa_issuances i
  JOIN root r ON r.rootKey = i.issuedKey
  WHERE i.succeeded
  QUALIFY row_number() OVER (ORDER BY i.eventTime, i.eventID) = 1
),
calls AS (
  SELECT
    s.eventTime,
    s.eventID,
    'call' AS kind,
    s.accessKeyId,
    s.parentKey,
    s.depth,
    s.eventSource,
    s.eventName,
    s.category,
    s.controlPlane,
    s.errorCode,
    s.errorMessage,
    s.sourceIPAddress,
    s.userAgent,
    s.awsRegion,
    s.readOnly,
    s.sessionRoleArn AS roleArn,
    s.federatedProvider,
    NULL::VARCHAR AS subject,
    NULL::VARCHAR AS serviceAccount,
    nullif(
      regexp_extract(s.federatedProvider, 'oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/[A-Za-z0-9]+'),
      ''
    ) AS cluster,
    NULL::VARCHAR AS attribution,
    s.requestParameters
  FROM sa_events s
  JOIN root r ON r.rootKey = s.rootKey
)
SELECT * FROM issuance
UNION ALL BY NAME
SELECT * FROM calls
ORDER BY eventTime, kind DESC, eventID
