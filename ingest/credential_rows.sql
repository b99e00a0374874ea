-- Query: credential_rows
-- The lake's credential index: the events that issue (or try to issue) a session credential
-- (sts AssumeRoleWithWebIdentity and AssumeRole, eks-auth AssumeRoleForPodIdentity, failed ones
-- included) in the columns the session model reads. Written by ingest beside the events of each
-- batch (index/credentials/day=…/): a few rows in a million, which the hunt would otherwise find
-- by decoding most pages of the lake.
-- Reads the relation index_input (columns of events).
SELECT
  eventTime,
  eventID,
  eventSource,
  eventName,
  sourceIPAddress,
  userAgent,
  errorCode,
  errorMessage,
  recipientAccountId,
  userIdentity."type" AS identityType,
  userIdentity.invokedBy AS invokedBy,
  userIdentity.principalId AS principalId,
  userIdentity.userName AS userName,
  userIdentity.identityProvider AS identityProvider,
  userIdentity.accessKeyId AS callerKey,
  userIdentity.sessionContext.sessionIssuer.arn AS callerRoleArn,
  userIdentity.sessionContext.webIdFederationData.federatedProvider AS callerFederatedProvider,
  requestParameters,
  responseElements,
  coalesce(strftime(eventTime, '%Y-%m-%d'), 'undated') AS day
FROM index_input
-- The range is pushed into the Parquet scan (the IN list alone is not).
WHERE eventName BETWEEN 'AssumeRole' AND 'AssumeRoleWithWebIdentity'
  AND eventName IN ('AssumeRoleWithWebIdentity', 'AssumeRole', 'AssumeRoleForPodIdentity')
  AND eventSource IN ('sts.amazonaws.com', 'eks-auth.amazonaws.com')
