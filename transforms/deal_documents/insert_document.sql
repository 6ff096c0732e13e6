-- Queue one document; a key already queued (same rule, deal and period) is never queued twice.
insert into sync_back.deal_documents (doc_key, rule_name, opportunity_id, period, title, reason,
                                      created_at, status, attempts, updated_at)
values (:doc_key, :rule_name, :opportunity_id, :period, :title, :reason, :now, 'pending', 0, :now)
on conflict (doc_key) do nothing
