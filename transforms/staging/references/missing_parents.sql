-- Ids a staged child row points at ({child}.{column} -> {parent}) that are not staged and were
-- not asked for before. Deleted child rows need no parent.
select distinct c.{column} as id
from staging.{child} as c
where c.{column} is not null
  and not coalesce(c.is_deleted, false)
  and not exists (select 1 from staging.{parent} as p where p.id = c.{column})
  and not exists (select 1 from staging.reference_fetches as f
                  where f.object = :parent_object and f.id = c.{column})
order by 1
