"""Run the document asset and kill it right after its first ContentVersion insert, before the
result is committed (tests.support.crash).

    python -m tests.deal_documents.crash_documents '<json: base_url, ca_path, warehouse, rule>'
"""

from assets.deal_documents.asset import build_documents_asset
from tests.support.crash import child_spec, die, materialize_child

from .support import settings_with

if __name__ == "__main__":
    spec = child_spec()
    settings = settings_with(spec["rule"], **spec.get("documents", {}))
    materialize_child(build_documents_asset(settings.documents, after_send=die), spec)
