-- What the batch does to current state, counted before it is applied. An id already rewritten
-- by this land call (same _extracted_at) is not counted twice as inserted/updated.
select
    coalesce(sum(case when c.id is null then 1 else 0 end), 0) as inserted,
    coalesce(sum(case when c.id is not null
                       and l.system_modstamp > c.system_modstamp
                       and c._extracted_at is distinct from :extracted_at
                      then 1 else 0 end), 0) as updated,
    coalesce(sum(case when l.is_deleted
                       and (c.id is null
                            or (not c.is_deleted and l.system_modstamp > c.system_modstamp))
                      then 1 else 0 end), 0) as deleted
from _land_latest as l
left join staging.{current} as c on c.id = l.id
