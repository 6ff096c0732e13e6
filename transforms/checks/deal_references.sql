-- Every deal's Account, owner and contact-role Contacts are staged (a Task with a dangling
-- WhatId or WhoId would be a wrong Task). One row per deal; `missing` lists what is not staged.
-- {parts}: the checks/deal_references/*.sql of the objects that are extracted, union all-ed.
select d.opportunity_id, m.missing
from warehouse.deals as d
left join (select opportunity_id, string_agg(missing, ', ') as missing
           from ({parts}) as gaps
           group by opportunity_id) as m
    on m.opportunity_id = d.opportunity_id
