-- View: sa_principals
-- For each principal (see sa_trees): how many session trees it has in the lake.
CREATE OR REPLACE VIEW sa_principals AS
SELECT principal, count(*) AS sessions
FROM sa_trees
GROUP BY principal
