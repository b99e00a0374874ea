-- View: sa_events
-- sa_calls with the action catalog's judgement: category (the attack category of a sensitive
-- action, null otherwise) and controlPlane (false for data events: S3 object-level calls and
-- everything with eventCategory = 'Data', which never count).
CREATE OR REPLACE VIEW sa_events AS
SELECT
  s.*,
  NOT (s.dataEvent OR coalesce(c.category = 'data-plane', false)) AS controlPlane,
  CASE WHEN s.dataEvent OR c.category = 'data-plane' THEN NULL ELSE c.category END AS category
FROM sa_calls s
LEFT JOIN action_catalog c ON c.eventSource = s.eventSource AND c.eventName = s.action
