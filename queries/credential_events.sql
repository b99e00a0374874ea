-- View: credential_events
-- Every event that issues (or tries to issue) a session credential: sts AssumeRoleWithWebIdentity,
-- sts AssumeRole and eks-auth AssumeRoleForPodIdentity, failed ones included (credential_rows:
-- the lake's credential index), reduced to the scalar fields the issuance and chaining views need. Each JSON column is parsed once, with
-- from_json (lenient: a value of the wrong type reads as NULL); the views above read this subset.
-- webSubject and webProvider are AssumeRoleWithWebIdentity's subject (subjectFromWebIdentityToken,
-- else userIdentity.userName, else the tail of principalId) and OIDC provider
-- (userIdentity.identityProvider, else responseElements.provider, else from principalId).
CREATE OR REPLACE VIEW credential_events AS
SELECT
  -- The scalar columns of credential_rows as they are; the caller's names feed webSubject below.
  * EXCLUDE (principalId, userName, identityProvider, requestParameters, responseElements, req, resp),
  req.roleArn AS roleArn,
  req.roleSessionName AS roleSessionName,
  req.clusterName AS clusterName,
  req.tags AS tags,
  resp.credentials.accessKeyId AS issuedKey,
  resp.credentials.expiration AS expiration,
  CASE WHEN eventName = 'AssumeRoleWithWebIdentity' THEN coalesce(
    resp.subjectFromWebIdentityToken,
    userName,
    CASE
      WHEN principalId LIKE '%:system:serviceaccount:%'
      THEN 'system:serviceaccount:' || split_part(principalId, ':system:serviceaccount:', 2)
    END
  ) END AS webSubject,
  CASE WHEN eventName = 'AssumeRoleWithWebIdentity' THEN coalesce(
    identityProvider,
    resp.provider,
    CASE
      WHEN principalId LIKE '%oidc-provider/%'
      THEN split_part(split_part(principalId, 'oidc-provider/', 2), ':', 1)
    END
  ) END AS webProvider,
  resp.subject.namespace AS subjectNamespace,
  resp.subject.serviceAccount AS subjectServiceAccount,
  resp.assumedRoleUser.arn AS assumedRoleArn,
  resp.podIdentityAssociation.associationArn AS associationArn
FROM (
  SELECT
    *,
    from_json(
      requestParameters,
      '{"roleArn": "VARCHAR", "roleSessionName": "VARCHAR", "clusterName": "VARCHAR",
        "tags": [{"key": "VARCHAR", "value": "VARCHAR"}]}'
    ) AS req,
    from_json(
      responseElements,
      '{"credentials": {"accessKeyId": "VARCHAR", "expiration": "VARCHAR"},
        "subjectFromWebIdentityToken": "VARCHAR", "provider": "VARCHAR",
        "subject": {"namespace": "VARCHAR", "serviceAccount": "VARCHAR"},
        "assumedRoleUser": {"arn": "VARCHAR"},
        "podIdentityAssociation": {"associationArn": "VARCHAR"}}'
    ) AS resp
  FROM credential_rows
)
