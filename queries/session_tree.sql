-- View: session_tree
-- One row per service-account credential and its place in its tree: accessKeyId, parentKey (the
-- credential whose sts:AssumeRole issued it, null for a root), rootKey, depth (0 for a root),
-- roleArn and sessionName of this credential, chainedAt (when it was issued by chaining). The
-- roots' attribution is in sa_trees; sa_sessions joins both.
CREATE OR REPLACE VIEW session_tree AS
WITH
links AS MATERIALIZED (
  SELECT * FROM session_links
),
keys AS (
  SELECT accessKeyId, parentKey, rootKey, depth, chainRoleArn, chainSessionName, chainedAt
  FROM links
  UNION ALL
  SELECT t.rootKey, NULL, t.rootKey, 0, NULL, NULL, NULL
  FROM sa_trees t
  ANTI JOIN links l ON l.accessKeyId = t.rootKey
)
SELECT
  k.accessKeyId,
  k.parentKey,
  k.rootKey,
  k.depth,
  CASE WHEN k.depth = 0 THEN t.rootRoleArn ELSE k.chainRoleArn END AS roleArn,
  CASE WHEN k.depth = 0 THEN t.rootSessionName ELSE k.chainSessionName END AS sessionName,
  k.chainedAt
FROM keys k
JOIN sa_trees t ON t.rootKey = k.rootKey
