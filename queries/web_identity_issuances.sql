-- View: web_identity_issuances
-- One row per sts:AssumeRoleWithWebIdentity called by a WebIdentityUser (IRSA when the provider is
-- an EKS OIDC issuer), failed attempts included (succeeded = false): a denied assume is a signal.
-- subject: responseElements.subjectFromWebIdentityToken, else userIdentity.userName, else the tail
--   of principalId ("system:serviceaccount:<namespace>:<name>" for Kubernetes service accounts).
-- provider: userIdentity.identityProvider, else responseElements.provider, else from principalId;
--   cluster is its "oidc.eks.<region>.amazonaws.com/id/<ID>" part (null for non-EKS providers).
CREATE OR REPLACE VIEW web_identity_issuances AS
WITH raw AS (
  SELECT
    *,
    coalesce(
      responseElements ->> '$.subjectFromWebIdentityToken',
      userIdentity.userName,
      regexp_extract(userIdentity.principalId, 'system:serviceaccount:[^:]+:[^:]+$')
    ) AS subject,
    coalesce(
      userIdentity.identityProvider,
      responseElements ->> '$.provider',
      regexp_extract(userIdentity.principalId, 'oidc-provider/([^:]+)', 1)
    ) AS providerRaw
  FROM credential_events
  WHERE eventName = 'AssumeRoleWithWebIdentity'
    AND eventSource = 'sts.amazonaws.com'
    AND userIdentity."type" = 'WebIdentityUser'
)
SELECT
  eventTime,
  eventID,
  'irsa' AS attribution,
  'sts:AssumeRoleWithWebIdentity' AS via,
  responseElements ->> '$.credentials.accessKeyId' AS issuedKey,
  subject,
  CASE WHEN subject LIKE 'system:serviceaccount:%:%' THEN split_part(subject, ':', 3) END AS namespace,
  CASE
    WHEN subject LIKE 'system:serviceaccount:%:%'
    THEN split_part(subject, ':', 3) || '/' || split_part(subject, ':', 4)
  END AS serviceAccount,
  NULL::VARCHAR AS podName,
  nullif(regexp_extract(providerRaw, 'oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/[A-Za-z0-9]+'), '')
    AS cluster,
  coalesce(nullif(regexp_extract(providerRaw, 'oidc-provider/(.+)$', 1), ''), providerRaw) AS provider,
  requestParameters ->> '$.roleArn' AS roleArn,
  requestParameters ->> '$.roleSessionName' AS roleSessionName,
  responseElements ->> '$.credentials.expiration' AS expiration,
  coalesce(
    try_cast(responseElements ->> '$.credentials.expiration' AS TIMESTAMPTZ),
    try_strptime(responseElements ->> '$.credentials.expiration', '%b %d, %Y, %I:%M:%S %p')::TIMESTAMPTZ
  ) AS expiresAt,
  sourceIPAddress,
  userAgent,
  coalesce(nullif(split_part(requestParameters ->> '$.roleArn', ':', 5), ''), recipientAccountId)
    AS accountId,
  errorCode,
  errorMessage,
  errorCode IS NULL AND (responseElements ->> '$.credentials.accessKeyId') IS NOT NULL AS succeeded
FROM raw
