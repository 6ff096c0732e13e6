-- Store one document's result and its log row in one transaction. An `uncertain` result (the
-- insert may have reached Salesforce) keeps in_flight_since, so the next run looks it up first.
update sync_back.deal_documents
set status = :status,
    content_document_id = coalesce(:content_document_id, content_document_id),
    content_version_id = coalesce(:content_version_id, content_version_id),
    byte_size = coalesce(:byte_size, byte_size),
    next_attempt_at = :next_attempt_at,
    in_flight_since = case when :uncertain then in_flight_since else null end,
    last_api = :api,
    last_error_code = :error_code,
    last_message = :message,
    last_run_id = :run_id,
    updated_at = :logged_at
where doc_key = :doc_key;

insert into sync_back.deal_document_log (run_id, doc_key, attempt, status, content_document_id,
                                         content_version_id, error_code, message, api, byte_size,
                                         logged_at)
values (:run_id, :doc_key, :attempt, :log_status, :content_document_id, :content_version_id,
        :error_code, :message, :api, :byte_size, :logged_at)
