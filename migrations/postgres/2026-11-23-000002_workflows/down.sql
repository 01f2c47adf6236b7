DROP TABLE workflow_sends;
DROP TABLE workflows;
