"""Objects that refuse a query without a particular filter.

ContentDocumentLink must be filtered by one Id (`=`) or several (`IN`) on ContentDocumentId or
LinkedEntityId: "ContentDocumentLink", Object Reference for the Salesforce Platform,
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contentdocumentlink.htm
"""

from .lexer import SoqlError
from .parser import Compare, InList, Logic

REQUIRED_FILTERS = {"contentdocumentlink": ("contentdocumentid", "linkedentityid")}
_MESSAGE = ("Implementation restriction: ContentDocumentLink requires a filter by a single Id on "
            "ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using "
            "the IN operator.")


def check_required_filter(root, query) -> None:
    """MALFORMED_QUERY unless an AND-ed top-level term filters a required field by Id."""
    fields = REQUIRED_FILTERS.get(root.name.lower())
    if fields is None:
        return
    terms = query.where.items if isinstance(query.where, Logic) and query.where.op == "AND" \
        else (query.where,)
    for term in terms:
        if isinstance(term, Compare) and term.op == "=" or \
                isinstance(term, InList) and not term.negate:
            if term.field.path[-1].lower() in fields and len(term.field.path) == 1:
                return
    raise SoqlError("MALFORMED_QUERY", _MESSAGE)
