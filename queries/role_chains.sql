-- View: role_chains
-- sts:AssumeRole called with a session key (userIdentity.accessKeyId): parentKey issued childKey
-- (null when the call failed). parentFederatedProvider is set when the caller was a web-identity
-- session, which makes the parent a service-account root even if its issuance is not in the lake.
CREATE OR REPLACE VIEW role_chains AS
SELECT
  eventTime,
  eventID,
  userIdentity.accessKeyId AS parentKey,
  responseElements ->> '$.credentials.accessKeyId' AS childKey,
  requestParameters ->> '$.roleArn' AS roleArn,
  requestParameters ->> '$.roleSessionName' AS roleSessionName,
  responseElements ->> '$.credentials.expiration' AS expiration,
  userIdentity.sessionContext.sessionIssuer.arn AS parentRoleArn,
  userIdentity.sessionContext.webIdFederationData.federatedProvider AS parentFederatedProvider,
  sourceIPAddress,
  userAgent,
  errorCode,
  errorMessage
FROM credential_events
WHERE eventName = 'AssumeRole'
  AND eventSource = 'sts.amazonaws.com'
  AND userIdentity.accessKeyId IS NOT NULL
