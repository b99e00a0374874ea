-- View: sa_trees
-- One row per session tree (root credential): the root's attribution, sessions (credentials in
-- the tree), maxDepth, sessionKeys (root first, then by depth and chaining time), and principal,
-- the identity that novelty is judged against: "<cluster> sa <namespace/name>" when the service
-- account is known; for a web-identity root without issuance, the service account that every
-- issued session of the same role and cluster belongs to (likelyServiceAccount), else
-- "<cluster> role <roleArn>".
CREATE OR REPLACE VIEW sa_trees AS
WITH
r AS (SELECT * FROM session_tree WHERE depth = 0),
t AS (
  SELECT
    rootKey,
    count(*) AS sessions,
    max(depth) AS maxDepth,
    list(accessKeyId ORDER BY depth, chainedAt NULLS FIRST, accessKeyId) AS sessionKeys
  FROM session_tree
  GROUP BY rootKey
),
role_sa AS (
  SELECT cluster, rootRoleArn, min(serviceAccount) AS serviceAccount
  FROM r
  WHERE serviceAccount IS NOT NULL
  GROUP BY cluster, rootRoleArn
  HAVING count(DISTINCT serviceAccount) = 1
)
SELECT
  r.rootKey,
  r.attribution,
  r.via,
  r.subject,
  r.namespace,
  r.serviceAccount,
  CASE WHEN r.serviceAccount IS NULL THEN rs.serviceAccount END AS likelyServiceAccount,
  r.podName,
  r.cluster,
  r.provider,
  r.rootRoleArn,
  r.rootSessionName,
  r.issuedAt,
  r.expiresAt,
  r.issuanceEventID,
  r.issuedFromIP,
  r.accountId,
  t.sessions,
  t.maxDepth,
  t.sessionKeys,
  coalesce(r.cluster, '-') || ' ' || coalesce(
    'sa ' || coalesce(r.serviceAccount, rs.serviceAccount),
    'role ' || r.rootRoleArn,
    'key ' || r.rootKey
  ) AS principal
FROM r
JOIN t ON t.rootKey = r.rootKey
LEFT JOIN role_sa rs ON rs.cluster IS NOT DISTINCT FROM r.cluster AND rs.rootRoleArn = r.rootRoleArn
