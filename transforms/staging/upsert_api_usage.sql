-- The org's daily API usage as the last Salesforce response reported it.
insert into staging.api_usage (org, used, daily_max, seen_at)
values ('org', :used, :daily_max, :now)
on conflict (org) do update set
    used = excluded.used, daily_max = excluded.daily_max, seen_at = excluded.seen_at
