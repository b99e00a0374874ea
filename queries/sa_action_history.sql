-- View: sa_action_history
-- For each principal (see sa_trees) and action: in how many session trees it occurs. An action
-- is routine for a principal when enough of its other trees (or a baseline lake's) did it.
CREATE OR REPLACE VIEW sa_action_history AS
SELECT t.principal, a.eventSource, a.action, count(DISTINCT a.rootKey) AS sessions
FROM sa_session_actions a
JOIN sa_trees t ON t.rootKey = a.rootKey
WHERE a.controlPlane
GROUP BY t.principal, a.eventSource, a.action
