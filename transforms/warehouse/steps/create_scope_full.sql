-- Full rebuild: every staged opportunity is in scope (the models join deal_scope either way).
create temporary table deal_scope as
select distinct id as opportunity_id
from src_opportunity;

analyze deal_scope
