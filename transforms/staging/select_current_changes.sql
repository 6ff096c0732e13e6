-- What the batch does to current state, counted before it is applied: ids new to current state,
-- ids replaced by a strictly newer version, and ids whose row becomes deleted. Counts are per
-- batch; an id that gets several newer versions in one land call is counted once per batch.
select
    coalesce(sum(case when c.id is null then 1 else 0 end), 0) as inserted,
    coalesce(sum(case when l.system_modstamp > c.system_modstamp then 1 else 0 end), 0) as updated,
    coalesce(sum(case when l.is_deleted
                       and (c.id is null
                            or (not c.is_deleted and l.system_modstamp > c.system_modstamp))
                      then 1 else 0 end), 0) as deleted
from _land_latest as l
left join staging.{current} as c on c.id = l.id
