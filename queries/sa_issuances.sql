-- View: sa_issuances
-- Every service-account credential issuance, IRSA and EKS Pod Identity, failed ones included:
-- web_identity_issuances UNION ALL pod_identity_issuances, same columns.
CREATE OR REPLACE VIEW sa_issuances AS
SELECT * FROM web_identity_issuances
UNION ALL BY NAME
SELECT * FROM pod_identity_issuances
