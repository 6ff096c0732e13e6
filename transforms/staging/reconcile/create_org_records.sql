-- Scratch table: what Salesforce holds now for one object, recycle bin included: Id,
-- SystemModstamp, IsDeleted where the object has it, and the formula fields.
create temporary table _org_records ({column_definitions})
