-- One custom-field rule: record the in-scope opportunities that fail it. {passes} is the
-- rule's condition over the quoted column, built from the settings (values are bound).
insert into custom_rule_failures (opportunity_id, rule_index, rule_name, rule_label)
select o.id, :rule_index, :rule_name, :rule_label
from src_opportunity as o
inner join deal_scope as s
    on s.opportunity_id = o.id
where not o.is_removed
  and not ({passes})
