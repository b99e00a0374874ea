-- View: session_tree
-- One row per service-account credential with its place in the tree and the root's attribution:
-- accessKeyId, parentKey, rootKey, depth, roleArn and sessionName of this credential, and of the
-- root: attribution ('irsa', 'pod-identity', or 'web-identity' when no issuance is in the lake),
-- via, subject, namespace, serviceAccount ("namespace/name", null when unknown), podName,
-- cluster (EKS OIDC issuer "oidc.eks.<region>.amazonaws.com/id/<ID>" or EKS cluster name),
-- provider, rootRoleArn, issuedAt, expiresAt, issuanceEventID, issuedFromIP, accountId.
-- Web-identity keys with no issuance record take the cluster from their federatedProvider and
-- the role from sessionContext.sessionIssuer.
CREATE OR REPLACE VIEW session_tree AS
WITH
issued AS (
  SELECT *
  FROM sa_issuances
  WHERE succeeded
  QUALIFY row_number() OVER (PARTITION BY issuedKey ORDER BY eventTime, eventID) = 1
),
own AS (
  SELECT
    accessKeyId,
    min(federatedProvider) AS federatedProvider,
    min(sessionRoleArn) AS sessionRoleArn,
    min(principalId) AS principalId,
    min(accountId) AS accountId
  FROM sa_session_actions
  GROUP BY accessKeyId
),
keys AS (
  SELECT accessKeyId, parentKey, rootKey, depth, chainRoleArn, chainSessionName, chainedAt
  FROM session_links
  UNION ALL
  SELECT accessKeyId, NULL, accessKeyId, 0, NULL, NULL, NULL
  FROM own
  WHERE federatedProvider IS NOT NULL
    AND accessKeyId NOT IN (SELECT accessKeyId FROM session_links)
),
roots AS (
  SELECT
    k.accessKeyId AS rootKey,
    coalesce(i.attribution, 'web-identity') AS attribution,
    i.via,
    i.subject,
    i.namespace,
    i.serviceAccount,
    i.podName,
    coalesce(
      i.cluster,
      nullif(
        regexp_extract(o.federatedProvider, 'oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/[A-Za-z0-9]+'),
        ''
      )
    ) AS cluster,
    coalesce(
      i.provider,
      nullif(regexp_extract(o.federatedProvider, 'oidc-provider/(.+)$', 1), ''),
      o.federatedProvider
    ) AS provider,
    coalesce(i.roleArn, o.sessionRoleArn) AS rootRoleArn,
    coalesce(i.roleSessionName, nullif(split_part(o.principalId, ':', 2), '')) AS rootSessionName,
    i.eventTime AS issuedAt,
    i.expiresAt,
    i.eventID AS issuanceEventID,
    i.sourceIPAddress AS issuedFromIP,
    coalesce(i.accountId, o.accountId) AS accountId
  FROM keys k
  LEFT JOIN issued i ON i.issuedKey = k.accessKeyId
  LEFT JOIN own o ON o.accessKeyId = k.accessKeyId
  WHERE k.depth = 0
)
SELECT
  k.accessKeyId,
  k.parentKey,
  k.rootKey,
  k.depth,
  CASE WHEN k.depth = 0 THEN r.rootRoleArn ELSE coalesce(k.chainRoleArn, o.sessionRoleArn) END
    AS roleArn,
  CASE
    WHEN k.depth = 0 THEN r.rootSessionName
    ELSE coalesce(k.chainSessionName, nullif(split_part(o.principalId, ':', 2), ''))
  END AS sessionName,
  k.chainedAt,
  r.* EXCLUDE (rootKey)
FROM keys k
JOIN roots r ON r.rootKey = k.rootKey
LEFT JOIN own o ON o.accessKeyId = k.accessKeyId
