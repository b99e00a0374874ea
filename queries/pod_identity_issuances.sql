-- View: pod_identity_issuances
-- EKS Pod Identity credentials. Two records per credential in CloudTrail:
-- * sts:AssumeRole invoked by pods.eks.amazonaws.com, whose session tags name the pod
--   (eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name) and
--   whose responseElements carry the issued key: via = 'sts:AssumeRole';
-- * eks-auth:AssumeRoleForPodIdentity called by the node's Pod Identity agent (the node role's
--   key); CloudTrail hides its response, so it rarely names the issued key: via = 'eks-auth'.
-- Failed attempts are kept (succeeded = false).
CREATE OR REPLACE VIEW pod_identity_issuances AS
WITH sts AS (
  SELECT
    *,
    map_from_entries(
      coalesce(
        from_json(requestParameters -> '$.tags', '[{"key":"VARCHAR","value":"VARCHAR"}]'),
        []
      )
    ) AS tags
  FROM credential_events
  WHERE eventName = 'AssumeRole'
    AND eventSource = 'sts.amazonaws.com'
    AND (userIdentity.invokedBy = 'pods.eks.amazonaws.com' OR sourceIPAddress = 'pods.eks.amazonaws.com')
),
sts_rows AS (
  SELECT
    *,
    map_extract_value(tags, 'kubernetes-namespace') AS ns,
    map_extract_value(tags, 'kubernetes-service-account') AS sa,
    coalesce(
      map_extract_value(tags, 'eks-cluster-name'),
      nullif(regexp_extract(map_extract_value(tags, 'eks-cluster-arn'), 'cluster/(.+)$', 1), '')
    ) AS clusterName
  FROM sts
),
auth AS (
  SELECT
    *,
    responseElements ->> '$.subject.namespace' AS ns,
    responseElements ->> '$.subject.serviceAccount' AS sa
  FROM credential_events
  WHERE eventName = 'AssumeRoleForPodIdentity' AND eventSource = 'eks-auth.amazonaws.com'
)
SELECT
  eventTime,
  eventID,
  'pod-identity' AS attribution,
  'sts:AssumeRole' AS via,
  responseElements ->> '$.credentials.accessKeyId' AS issuedKey,
  CASE WHEN ns IS NOT NULL AND sa IS NOT NULL THEN 'system:serviceaccount:' || ns || ':' || sa END
    AS subject,
  ns AS namespace,
  CASE WHEN ns IS NOT NULL AND sa IS NOT NULL THEN ns || '/' || sa END AS serviceAccount,
  map_extract_value(tags, 'kubernetes-pod-name') AS podName,
  clusterName AS cluster,
  map_extract_value(tags, 'eks-cluster-arn') AS provider,
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
FROM sts_rows
WHERE ns IS NOT NULL OR clusterName IS NOT NULL
UNION ALL
SELECT
  eventTime,
  eventID,
  'pod-identity' AS attribution,
  'eks-auth:AssumeRoleForPodIdentity' AS via,
  responseElements ->> '$.credentials.accessKeyId' AS issuedKey,
  CASE WHEN ns IS NOT NULL AND sa IS NOT NULL THEN 'system:serviceaccount:' || ns || ':' || sa END
    AS subject,
  ns AS namespace,
  CASE WHEN ns IS NOT NULL AND sa IS NOT NULL THEN ns || '/' || sa END AS serviceAccount,
  NULL::VARCHAR AS podName,
  requestParameters ->> '$.clusterName' AS cluster,
  responseElements ->> '$.podIdentityAssociation.associationArn' AS provider,
  nullif(regexp_replace(
    responseElements ->> '$.assumedRoleUser.arn',
    '^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$', 'arn:\1:iam::\2:role/\3'
  ), '') AS roleArn,
  NULL::VARCHAR AS roleSessionName,
  responseElements ->> '$.credentials.expiration' AS expiration,
  try_cast(responseElements ->> '$.credentials.expiration' AS TIMESTAMPTZ) AS expiresAt,
  sourceIPAddress,
  userAgent,
  recipientAccountId AS accountId,
  errorCode,
  errorMessage,
  errorCode IS NULL AND (responseElements ->> '$.credentials.accessKeyId') IS NOT NULL AS succeeded
FROM auth
