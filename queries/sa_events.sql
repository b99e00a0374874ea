-- View: sa_events
-- Every call made with a service-account session key: the keys of session_links (issued to a
-- service account, or chained from one) and every call whose session carries
-- userIdentity.sessionContext.webIdFederationData.federatedProvider (a web-identity session even
-- when its issuance is not in the lake). One full scan of the lake; everything after it works on
-- this subset. Calls by humans (IAM users, SSO roles) and other roles never appear here.
-- action: eventName, or "RunInstances+PassRole" for RunInstances with an instance profile.
-- category: the action_catalog category (null when not sensitive); data-plane events (S3
-- object-level calls, eventCategory = 'Data') have controlPlane = false and category null.
-- failed: errorCode is set (AccessDenied, UnauthorizedOperation, …): attempts count as actions.
CREATE OR REPLACE VIEW sa_events AS
WITH e AS (
  SELECT
    ev.eventTime,
    ev.eventID,
    ev.userIdentity.accessKeyId AS accessKeyId,
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
    ev.eventCategory,
    ev.readOnly,
    ev.userIdentity.sessionContext.sessionIssuer.arn AS sessionRoleArn,
    ev.userIdentity.sessionContext.webIdFederationData.federatedProvider AS federatedProvider,
    ev.userIdentity.principalId AS principalId,
    coalesce(ev.userIdentity.accountId, ev.recipientAccountId) AS accountId
  FROM events ev
  LEFT JOIN session_links l ON l.accessKeyId = ev.userIdentity.accessKeyId
  WHERE ev.userIdentity.accessKeyId IS NOT NULL
    AND (
      l.accessKeyId IS NOT NULL
      OR ev.userIdentity.sessionContext.webIdFederationData.federatedProvider IS NOT NULL
    )
)
SELECT
  e.* EXCLUDE (action),
  e.action,
  coalesce(e.eventCategory = 'Data', false) OR coalesce(c.category = 'data-plane', false)
    AS dataPlane,
  NOT (coalesce(e.eventCategory = 'Data', false) OR coalesce(c.category = 'data-plane', false))
    AS controlPlane,
  CASE
    WHEN coalesce(e.eventCategory = 'Data', false) OR c.category = 'data-plane' THEN NULL
    ELSE c.category
  END AS category,
  e.errorCode IS NOT NULL AS failed
FROM e
LEFT JOIN action_catalog c ON c.eventSource = e.eventSource AND c.eventName = e.action
