-- Documents per status, for asset metadata.
select status, count(*) as n
from sync_back.deal_documents
group by status
