DROP TABLE usage_quotas;
