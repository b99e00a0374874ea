-- View: session_links
-- The credentials of every service-account session tree that the issuance and chaining records
-- reveal, one row per credential: accessKeyId, parentKey (the key whose sts:AssumeRole issued it,
-- null for a root), rootKey, depth (0 for a root), and the chain hop's role and session name.
-- Roots: keys issued to a service account (sa_issuances), and web-identity keys seen chaining
-- (role_chains.parentFederatedProvider). Children of any depth are found by a recursive walk of
-- role_chains; depth stops at 32 so crafted cycles cannot loop. Web-identity keys that never
-- chained and whose issuance is missing are added by session_tree from their own calls.
CREATE OR REPLACE VIEW session_links AS
WITH RECURSIVE
roots AS (
  SELECT issuedKey AS accessKeyId FROM sa_issuances WHERE succeeded
  UNION
  SELECT parentKey FROM role_chains WHERE parentFederatedProvider IS NOT NULL
),
edges AS (
  SELECT parentKey, childKey, roleArn, roleSessionName, eventTime
  FROM role_chains
  WHERE childKey IS NOT NULL AND errorCode IS NULL
  QUALIFY row_number() OVER (PARTITION BY childKey ORDER BY eventTime, eventID) = 1
),
walk(accessKeyId, parentKey, rootKey, depth, chainRoleArn, chainSessionName, chainedAt) AS (
  SELECT accessKeyId, NULL::VARCHAR, accessKeyId, 0, NULL::VARCHAR, NULL::VARCHAR, NULL::TIMESTAMPTZ
  FROM roots
  WHERE accessKeyId NOT IN (SELECT childKey FROM edges WHERE parentKey IN (SELECT accessKeyId FROM roots))
  UNION ALL
  SELECT e.childKey, e.parentKey, w.rootKey, w.depth + 1, e.roleArn, e.roleSessionName, e.eventTime
  FROM walk w JOIN edges e ON e.parentKey = w.accessKeyId
  WHERE w.depth < 32
)
SELECT * FROM walk
QUALIFY row_number() OVER (PARTITION BY accessKeyId ORDER BY depth, rootKey) = 1
