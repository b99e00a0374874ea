-- View: sa_calls
-- Every call made with a service-account session key: the keys of session_links (issued to a
-- service account, or chained from one) and every call whose session carries
-- userIdentity.sessionContext.webIdFederationData.federatedProvider (a web-identity session even
-- when its issuance is not in the lake). This is the one full scan of the lake; everything after
-- it works on this subset. Calls by humans (IAM users, SSO roles) and other roles never appear.
-- action: eventName, or "RunInstances+PassRole" for RunInstances with an instance profile.
-- failed: errorCode is set (AccessDenied, UnauthorizedOperation, …); dataEvent: eventCategory =
-- 'Data'; described: an issuance or a chain hop in the lake describes the key (the others are
-- web-identity sessions known from their own calls).
-- sa_events adds the catalog's category. (Columns a query does not use are not read.)
CREATE OR REPLACE VIEW sa_calls AS
SELECT
  ev.eventTime,
  ev.eventID,
  ev.userIdentity.accessKeyId AS accessKeyId,
  coalesce(l.depth > 0 OR l.issued, false) AS described,
  l.parentKey,
  coalesce(l.rootKey, ev.userIdentity.accessKeyId) AS rootKey,
  coalesce(l.depth, 0) AS depth,
  ev.eventSource,
  ev.eventName,
  CASE
    WHEN ev.eventName = 'RunInstances' AND ev.eventSource = 'ec2.amazonaws.com'
      AND (ev.requestParameters -> '$.iamInstanceProfile') IS NOT NULL
    THEN 'RunInstances+PassRole'
    ELSE ev.eventName
  END AS action,
  ev.awsRegion,
  ev.sourceIPAddress,
  ev.userAgent,
  ev.errorCode,
  ev.errorMessage,
  ev.errorCode IS NOT NULL AS failed,
  coalesce(ev.eventCategory = 'Data', false) AS dataEvent,
  ev.readOnly,
  ev.requestParameters,
  ev.userIdentity.sessionContext.sessionIssuer.arn AS sessionRoleArn,
  ev.userIdentity.sessionContext.webIdFederationData.federatedProvider AS federatedProvider,
  ev.userIdentity.principalId AS principalId
FROM events ev
LEFT JOIN session_links l ON l.accessKeyId = ev.userIdentity.accessKeyId
WHERE ev.userIdentity.accessKeyId IS NOT NULL
  AND (
    l.accessKeyId IS NOT NULL
    OR ev.userIdentity.sessionContext.webIdFederationData.federatedProvider IS NOT NULL
  )
