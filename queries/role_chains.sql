-- View: role_chains
-- sts:AssumeRole called with a session key (userIdentity.accessKeyId): parentKey issued childKey
-- (null when the call failed). parentFederatedProvider is set when the caller was a web-identity
-- session, which makes the parent a service-account root even if its issuance is not in the lake.
CREATE OR REPLACE VIEW role_chains AS
SELECT
  eventTime,
  eventID,
  callerKey AS parentKey,
  issuedKey AS childKey,
  roleArn,
  roleSessionName,
  expiration,
  callerRoleArn AS parentRoleArn,
  callerFederatedProvider AS parentFederatedProvider,
  sourceIPAddress,
  userAgent,
  errorCode,
  errorMessage
FROM credential_events
WHERE eventName = 'AssumeRole' AND eventSource = 'sts.amazonaws.com' AND callerKey IS NOT NULL
