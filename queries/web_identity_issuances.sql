-- View: web_identity_issuances
-- One row per sts:AssumeRoleWithWebIdentity called by a WebIdentityUser (IRSA when the provider is
-- an EKS OIDC issuer), failed attempts included (succeeded = false): a denied assume is a signal.
-- subject: responseElements.subjectFromWebIdentityToken, else userIdentity.userName, else the tail
--   of principalId ("system:serviceaccount:<namespace>:<name>" for Kubernetes service accounts).
-- provider: userIdentity.identityProvider, else responseElements.provider, else from principalId,
--   without its "arn:…:oidc-provider/" prefix; cluster is the provider when it is an EKS OIDC
--   issuer ("oidc.eks.<region>.amazonaws.com/id/<ID>"), else null.
-- expiresAt: the credential's expiration (ISO-8601, or CloudTrail's "Apr 16, 2024, 3:20:04 PM").
CREATE OR REPLACE VIEW web_identity_issuances AS
WITH
raw AS (
  SELECT *, webSubject AS subject, webProvider AS providerRaw
  FROM credential_events
  WHERE eventName = 'AssumeRoleWithWebIdentity'
    AND eventSource = 'sts.amazonaws.com'
    AND identityType = 'WebIdentityUser'
),
named AS (
  SELECT
    *,
    CASE
      WHEN providerRaw LIKE '%oidc-provider/%' THEN split_part(providerRaw, 'oidc-provider/', 2)
      ELSE providerRaw
    END AS provider,
    subject LIKE 'system:serviceaccount:%:%' AS isServiceAccount
  FROM raw
)
SELECT
  eventTime,
  eventID,
  'irsa' AS attribution,
  'sts:AssumeRoleWithWebIdentity' AS via,
  issuedKey,
  subject,
  CASE WHEN isServiceAccount THEN split_part(subject, ':', 3) END AS namespace,
  CASE WHEN isServiceAccount THEN split_part(subject, ':', 3) || '/' || split_part(subject, ':', 4) END
    AS serviceAccount,
  NULL::VARCHAR AS podName,
  CASE WHEN provider LIKE 'oidc.eks.%.amazonaws.com/id/%' THEN provider END AS cluster,
  provider,
  roleArn,
  roleSessionName,
  expiration,
  coalesce(
    try_cast(expiration AS TIMESTAMPTZ),
    try_strptime(expiration, '%b %d, %Y, %I:%M:%S %p')::TIMESTAMPTZ
  ) AS expiresAt,
  sourceIPAddress,
  userAgent,
  coalesce(nullif(split_part(roleArn, ':', 5), ''), recipientAccountId) AS accountId,
  errorCode,
  errorMessage,
  errorCode IS NULL AND issuedKey IS NOT NULL AS succeeded
FROM named
