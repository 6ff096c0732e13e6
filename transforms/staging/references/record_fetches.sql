-- Remember what was asked for by Id, found or not, so that a later run does not ask again.
insert into staging.reference_fetches (object, id, found, fetched_at)
select :object, given.id, :found, :now from unnest(:ids) as given(id)
on conflict (object, id) do update set found = excluded.found, fetched_at = excluded.fetched_at
