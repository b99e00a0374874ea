-- View: sa_action_history
-- For each principal (see sa_trees) and control-plane action: in how many session trees it
-- occurs. What a baseline lake (--baseline) contributes; sa_tree_actions counts the same way.
CREATE OR REPLACE VIEW sa_action_history AS
SELECT t.principal, a.eventSource, a.action, count(DISTINCT a.rootKey) AS sessions
FROM sa_session_actions a
JOIN sa_trees t ON t.rootKey = a.rootKey
WHERE a.controlPlane
GROUP BY t.principal, a.eventSource, a.action
