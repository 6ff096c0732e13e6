-- Erase staged rows of purged records that a sync brought back: by their own Id, and by the
-- purged opportunity or contact they belong to ({reference} is the referencing column, e.g.
-- what_id; {reference_object} the staging table it points to). Only rows landed since :since
-- are checked, except on a full rebuild (:since is then the epoch).
delete from staging.{table}
where _extracted_at >= :since
  and (
      md5(id) in (
          select id_hash from warehouse.purge_tombstones where object_name = :object_name
      )
      or md5({reference}) in (
          select id_hash from warehouse.purge_tombstones
          where object_name = :reference_object
      )
  )
