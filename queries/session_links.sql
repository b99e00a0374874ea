-- View: session_links
-- The credentials of every service-account session tree that the issuance and chaining records
-- reveal, one row per credential: accessKeyId, parentKey (the key whose sts:AssumeRole issued it,
-- null for a root), rootKey, depth (0 for a root), issued (a root whose issuance is in the lake),
-- and the chain hop's role, session name and time. Roots: keys issued to a service account (sa_issuances), and web-identity keys seen
-- chaining (role_chains.parentFederatedProvider). Children of any depth are found by a recursive
-- walk of role_chains; depth stops at 32 so crafted cycles cannot loop. Web-identity keys that
-- never chained and whose issuance is missing are added by session_tree from their own calls.
CREATE OR REPLACE VIEW session_links AS
WITH RECURSIVE
chains AS MATERIALIZED (
  SELECT * FROM role_chains
),
issued AS MATERIALIZED (
  SELECT DISTINCT issuedKey AS accessKeyId FROM sa_issuances WHERE succeeded
),
candidates AS MATERIALIZED (
  SELECT accessKeyId FROM issued
  UNION
  SELECT parentKey FROM chains WHERE parentFederatedProvider IS NOT NULL
),
edges AS MATERIALIZED (
  SELECT parentKey, childKey, roleArn, roleSessionName, eventTime
  FROM chains
  WHERE childKey IS NOT NULL AND errorCode IS NULL
  QUALIFY row_number() OVER (PARTITION BY childKey ORDER BY eventTime, eventID) = 1
),
roots AS (
  SELECT c.accessKeyId
  FROM candidates c
  ANTI JOIN (SELECT e.childKey FROM edges e SEMI JOIN candidates p ON p.accessKeyId = e.parentKey) x
    ON x.childKey = c.accessKeyId
),
walk(accessKeyId, parentKey, rootKey, depth, chainRoleArn, chainSessionName, chainedAt) AS (
  SELECT accessKeyId, NULL::VARCHAR, accessKeyId, 0, NULL::VARCHAR, NULL::VARCHAR, NULL::TIMESTAMPTZ
  FROM roots
  UNION ALL
  SELECT e.childKey, e.parentKey, w.rootKey, w.depth + 1, e.roleArn, e.roleSessionName, e.eventTime
  FROM walk w
  JOIN edges e ON e.parentKey = w.accessKeyId
  WHERE w.depth < 32
)
SELECT
  w.accessKeyId,
  w.parentKey,
  w.rootKey,
  w.depth,
  w.depth = 0 AND w.accessKeyId IN (SELECT accessKeyId FROM issued) AS issued,
  w.chainRoleArn,
  w.chainSessionName,
  w.chainedAt
FROM walk w
QUALIFY row_number() OVER (PARTITION BY w.accessKeyId ORDER BY w.depth, w.rootKey) = 1
