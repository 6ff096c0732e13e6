-- The file an earlier period's review of this deal and rule went to: the next review becomes a
-- new version of it.
select content_document_id, content_version_id, doc_key
from sync_back.deal_documents
where rule_name = :rule_name
  and opportunity_id = :opportunity_id
  and status = 'sent'
  and doc_key <> :doc_key
order by updated_at desc, doc_key desc
limit 1
