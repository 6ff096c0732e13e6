-- Schema drift: a field Salesforce started sending becomes a nullable column.
alter table staging.{table} add column if not exists {column} {column_type}
