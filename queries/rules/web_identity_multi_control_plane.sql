-- id: web-identity-multi-control-plane
-- title: Service-account session tree calls many distinct AWS control-plane actions
-- severity: medium
-- attack: T1078.004, T1580, T1526, T1087.004
-- threshold: minControlPlaneActions = 10 (--min-control-plane)
-- description: A Kubernetes service-account credential (IRSA web identity, EKS Pod Identity, or a
--   web-identity session whose issuance is not in the logs), together with the sessions chained
--   from it by sts:AssumeRole, calls at least minControlPlaneActions distinct control-plane
--   actions (management events; S3 object-level and other data events never count) after the
--   credential was issued (5 minutes of clock skew allowed). Allowlisted actions do not count.
--   A single-purpose workload uses a handful of actions; enumeration tools and hands-on-keyboard
--   attackers use dozens. Default 10: the busiest single-purpose benign fixture
--   (aws-load-balancer-controller) calls 9, the full attack chain 20.
-- false positives: Controllers that manage infrastructure (karpenter, cluster-autoscaler,
--   aws-load-balancer-controller, crossplane, ACK) call 10–30 actions in every session; they
--   stay info or low because the severity model finds those actions routine for the service
--   account (seen in its other sessions, or in --baseline). Suppress the rest with --allow.
SELECT
  a.rootKey,
  count(DISTINCT a.eventSource || ':' || a.action) AS matched,
  list(DISTINCT a.action ORDER BY a.action) AS matchedActions,
  min(a.firstTime) AS windowStart,
  max(a.lastTime) AS windowEnd
FROM sa_tree_actions a
WHERE NOT a.allowed
  AND (a.rootIssuedAt IS NULL OR a.lastTime >= a.rootIssuedAt - INTERVAL 5 MINUTE)
GROUP BY a.rootKey
HAVING count(DISTINCT a.eventSource || ':' || a.action)
  >= getvariable('hunt_min_control_plane')::BIGINT
ORDER BY a.rootKey
