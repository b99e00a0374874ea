-- View: credential_events
-- Every event that issues (or tries to issue) a session credential: sts AssumeRoleWithWebIdentity,
-- sts AssumeRole, and eks-auth AssumeRoleForPodIdentity, failed ones included. The issuance and
-- chaining views read this small subset instead of the whole lake.
CREATE OR REPLACE VIEW credential_events AS
SELECT
  eventTime,
  eventID,
  eventSource,
  eventName,
  awsRegion,
  sourceIPAddress,
  userAgent,
  errorCode,
  errorMessage,
  recipientAccountId,
  userIdentity,
  requestParameters,
  responseElements
FROM events
WHERE eventName IN ('AssumeRoleWithWebIdentity', 'AssumeRole', 'AssumeRoleForPodIdentity')
  AND eventSource IN ('sts.amazonaws.com', 'eks-auth.amazonaws.com')
