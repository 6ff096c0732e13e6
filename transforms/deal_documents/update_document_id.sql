-- Remember a sent version's file (ContentDocumentId), looked up once when first needed.
update sync_back.deal_documents
set content_document_id = :content_document_id
where doc_key = :doc_key
