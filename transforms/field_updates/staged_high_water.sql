-- The newest SystemModstamp staged for one object: Salesforce changes after it are unstaged.
select max(system_modstamp) from staging.{table}
