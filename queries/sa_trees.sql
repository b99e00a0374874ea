-- View: sa_trees
-- One row per service-account session tree (root credential) with the root's attribution:
-- attribution ('irsa', 'pod-identity', or 'web-identity' when no issuance is in the lake), via,
-- subject, namespace, serviceAccount ("namespace/name", null when unknown), likelyServiceAccount
-- (for a root without issuance: the one service account every issued session of the same role
-- and cluster belongs to), podName, cluster (EKS OIDC issuer "oidc.eks.<region>.amazonaws.com/
-- id/<ID>" or EKS cluster name), provider, rootRoleArn, rootSessionName, issuedAt, expiresAt,
-- issuanceEventID, issuedFromIP, accountId; sessions (credentials in the tree), maxDepth; and
-- principal, the identity novelty is judged against: "<cluster> sa <namespace/name>" (the
-- service account, or the likely one), else "<cluster> role <roleArn>"; principalHash is its
-- 64-bit hash, for cheap joins.
-- Roots: keys of session_links at depth 0, and web-identity keys seen only through their own
-- calls (cluster from userIdentity...webIdFederationData.federatedProvider, role from
-- sessionContext.sessionIssuer, session name from principalId).
CREATE OR REPLACE VIEW sa_trees AS
WITH
links AS MATERIALIZED (
  SELECT accessKeyId, rootKey, depth FROM session_links
),
-- What its own calls say about a web-identity credential no issuance or chain hop describes.
own AS MATERIALIZED (
  SELECT
    accessKeyId,
    min(federatedProvider) AS federatedProvider,
    min(sessionRoleArn) AS sessionRoleArn,
    min(principalId) AS principalId
  FROM sa_session_facts
  WHERE kind = 'endpoint' AND federatedProvider IS NOT NULL
  GROUP BY accessKeyId
),
roots AS (
  SELECT rootKey, count(*) AS sessions, max(depth) AS maxDepth FROM links GROUP BY rootKey
  UNION ALL
  SELECT o.accessKeyId, 1, 0 FROM own o ANTI JOIN links l ON l.accessKeyId = o.accessKeyId
),
issued AS (
  SELECT *
  FROM sa_issuances
  WHERE succeeded
  QUALIFY row_number() OVER (PARTITION BY issuedKey ORDER BY eventTime, eventID) = 1
),
r AS MATERIALIZED (
  SELECT
    k.rootKey,
    coalesce(i.attribution, 'web-identity') AS attribution,
    i.via,
    i.subject,
    i.namespace,
    i.serviceAccount,
    i.podName,
    coalesce(
      i.cluster,
      CASE
        WHEN split_part(o.federatedProvider, 'oidc-provider/', 2) LIKE 'oidc.eks.%.amazonaws.com/id/%'
        THEN split_part(o.federatedProvider, 'oidc-provider/', 2)
      END
    ) AS cluster,
    coalesce(
      i.provider,
      nullif(split_part(o.federatedProvider, 'oidc-provider/', 2), ''),
      o.federatedProvider
    ) AS provider,
    coalesce(i.roleArn, o.sessionRoleArn) AS rootRoleArn,
    coalesce(i.roleSessionName, nullif(split_part(o.principalId, ':', 2), '')) AS rootSessionName,
    i.eventTime AS issuedAt,
    i.expiresAt,
    i.eventID AS issuanceEventID,
    i.sourceIPAddress AS issuedFromIP,
    coalesce(i.accountId, nullif(split_part(o.sessionRoleArn, ':', 5), '')) AS accountId,
    k.sessions,
    k.maxDepth
  FROM roots k
  LEFT JOIN issued i ON i.issuedKey = k.rootKey
  LEFT JOIN own o ON o.accessKeyId = k.rootKey
),
role_sa AS (
  SELECT cluster, rootRoleArn, min(serviceAccount) AS serviceAccount
  FROM r
  WHERE serviceAccount IS NOT NULL
  GROUP BY cluster, rootRoleArn
  HAVING count(DISTINCT serviceAccount) = 1
),
named AS (
  SELECT
    r.*,
    CASE WHEN r.serviceAccount IS NULL THEN rs.serviceAccount END AS likelyServiceAccount,
    coalesce(r.cluster, '-') || ' ' || coalesce(
      'sa ' || coalesce(r.serviceAccount, rs.serviceAccount),
      'role ' || r.rootRoleArn,
      'key ' || r.rootKey
    ) AS principal
  FROM r
  LEFT JOIN role_sa rs
    ON rs.cluster IS NOT DISTINCT FROM r.cluster AND rs.rootRoleArn = r.rootRoleArn
)
SELECT
  rootKey,
  attribution,
  via,
  subject,
  namespace,
  serviceAccount,
  likelyServiceAccount,
  podName,
  cluster,
  provider,
  rootRoleArn,
  rootSessionName,
  issuedAt,
  expiresAt,
  issuanceEventID,
  issuedFromIP,
  accountId,
  sessions,
  maxDepth,
  principal,
  hash(principal) AS principalHash
FROM named
