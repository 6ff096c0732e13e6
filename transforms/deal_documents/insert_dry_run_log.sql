-- A dry run logs what it would attach; the document stays pending.
insert into sync_back.deal_document_log (run_id, doc_key, attempt, status, content_document_id,
                                         error_code, message, api, byte_size, logged_at)
values (:run_id, :doc_key, 0, 'dry_run', :content_document_id, null, :message, 'dry_run',
        :byte_size, :logged_at)
