-- View: pod_identity_issuances
-- EKS Pod Identity credentials. Two records per credential in CloudTrail:
-- * sts:AssumeRole invoked by pods.eks.amazonaws.com, whose session tags name the pod
--   (eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name) and
--   whose responseElements carry the issued key: via = 'sts:AssumeRole';
-- * eks-auth:AssumeRoleForPodIdentity called by the node's Pod Identity agent (the node role's
--   key); CloudTrail hides its response, so it rarely names the issued key:
--   via = 'eks-auth:AssumeRoleForPodIdentity'.
-- Failed attempts are kept (succeeded = false). Same columns as web_identity_issuances.
CREATE OR REPLACE VIEW pod_identity_issuances AS
WITH
ce AS (
  SELECT
    *,
    eventName = 'AssumeRole' AS viaSts,
    coalesce(tags, []) AS tagList
  FROM credential_events
  WHERE (
      eventName = 'AssumeRole'
      AND eventSource = 'sts.amazonaws.com'
      AND (invokedBy = 'pods.eks.amazonaws.com' OR sourceIPAddress = 'pods.eks.amazonaws.com')
    )
    OR (eventName = 'AssumeRoleForPodIdentity' AND eventSource = 'eks-auth.amazonaws.com')
),
x AS (
  SELECT
    *,
    CASE
      WHEN viaSts THEN list_filter(tagList, lambda t: t.key = 'kubernetes-namespace')[1].value
      ELSE subjectNamespace
    END AS ns,
    CASE
      WHEN viaSts THEN list_filter(tagList, lambda t: t.key = 'kubernetes-service-account')[1].value
      ELSE subjectServiceAccount
    END AS sa,
    CASE
      WHEN viaSts THEN coalesce(
        list_filter(tagList, lambda t: t.key = 'eks-cluster-name')[1].value,
        nullif(regexp_extract(
          list_filter(tagList, lambda t: t.key = 'eks-cluster-arn')[1].value, 'cluster/(.+)$', 1
        ), '')
      )
      ELSE clusterName
    END AS cluster
  FROM ce
)
SELECT
  eventTime,
  eventID,
  'pod-identity' AS attribution,
  CASE WHEN viaSts THEN 'sts:AssumeRole' ELSE 'eks-auth:AssumeRoleForPodIdentity' END AS via,
  issuedKey,
  CASE WHEN ns IS NOT NULL AND sa IS NOT NULL THEN 'system:serviceaccount:' || ns || ':' || sa END
    AS subject,
  ns AS namespace,
  CASE WHEN ns IS NOT NULL AND sa IS NOT NULL THEN ns || '/' || sa END AS serviceAccount,
  CASE WHEN viaSts THEN list_filter(tagList, lambda t: t.key = 'kubernetes-pod-name')[1].value END
    AS podName,
  cluster,
  CASE
    WHEN viaSts THEN list_filter(tagList, lambda t: t.key = 'eks-cluster-arn')[1].value
    ELSE associationArn
  END AS provider,
  CASE
    WHEN viaSts THEN roleArn
    ELSE nullif(regexp_replace(
      assumedRoleArn,
      '^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$', 'arn:\1:iam::\2:role/\3'
    ), '')
  END AS roleArn,
  CASE WHEN viaSts THEN roleSessionName END AS roleSessionName,
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
FROM x
WHERE NOT viaSts OR ns IS NOT NULL OR cluster IS NOT NULL
