"""Bulk API 1.0 on the wire: JobInfo and BatchInfo as XML or JSON, results as JSON or CSV, and
errors as `{exceptionCode, exceptionMessage}` (Bulk API Developer Guide, "JobInfo", "BatchInfo"
and "Errors":
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_jobinfo.htm,
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_batchinfo.htm,
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_errors.htm).

A request with a JSON Content-Type gets JSON, any other XML, as the guide's examples do; a
JSON job's resources answer JSON. In JSON query results, dates and datetimes are numbers:
milliseconds since the epoch, not the REST API's strings.
"""

import csv
import io
import json
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from .http import Response

NS = "http://www.force.com/2009/06/asyncapi/dataload"
JOB_ORDER = ("id", "operation", "object", "createdById", "createdDate", "systemModstamp", "state",
             "externalIdFieldName", "concurrencyMode", "contentType", "numberBatchesQueued",
             "numberBatchesInProgress", "numberBatchesCompleted", "numberBatchesFailed",
             "numberBatchesTotal", "numberRecordsProcessed", "numberRetries", "apiVersion",
             "numberRecordsFailed", "totalProcessingTime", "apiActiveProcessingTime",
             "apexProcessingTime")
BATCH_ORDER = ("id", "jobId", "state", "stateMessage", "createdDate", "systemModstamp",
               "numberRecordsProcessed", "numberRecordsFailed", "totalProcessingTime",
               "apiActiveProcessingTime", "apexProcessingTime")
# REST error codes of the shared gate -> Bulk API exception codes (and their HTTP status).
EXCEPTIONS = {"INVALID_SESSION_ID": ("InvalidSessionId", 400),
              "REQUEST_LIMIT_EXCEEDED": ("ExceededQuota", 403),
              "NOT_FOUND": ("InvalidUrl", 404), "METHOD_NOT_ALLOWED": ("InvalidUrl", 405)}


def wants_json(request) -> bool:
    fmt = getattr(request, "bulk_format", None)
    return fmt == "JSON" if fmt else "json" in request.headers.get("content-type", "").lower()


def _xml_value(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return escape(str(value))


def info(request, root: str, values: dict, order: tuple, status: int = 200) -> Response:
    """A JobInfo or BatchInfo in the request's format."""
    if wants_json(request):
        return Response.json(values, status)
    body = "".join(f"<{k}>{_xml_value(values[k])}</{k}>" for k in order
                   if values.get(k) is not None)
    return xml(f'<{root} xmlns="{NS}">{body}</{root}>', status)


def xml(body: str, status: int = 200) -> Response:
    return Response(status, f'<?xml version="1.0" encoding="UTF-8"?>{body}'.encode(),
                    {"Content-Type": "application/xml"})


def result_list(request, result_ids: list[str]) -> Response:
    if wants_json(request):
        return Response.json(result_ids)
    items = "".join(f"<result>{r}</result>" for r in result_ids)
    return xml(f'<result-list xmlns="{NS}">{items}</result-list>')


def dml_results(request, results: list[dict]) -> Response:
    """Per-record results in the job's order: JSON objects or CSV Id,Success,Created,Error."""
    if wants_json(request):
        return Response.json(results)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["Id", "Success", "Created", "Error"])
    for r in results:
        error = "".join(f"{e['statusCode']}:{e['message']}:{','.join(e['fields'])} --"
                        for e in r["errors"])
        writer.writerow([r["id"] or "", str(r["success"]).lower(), str(r["created"]).lower(), error])
    return Response(200, out.getvalue().encode(), {"Content-Type": "text/csv"})


def epoch_ms(columns, records: list[dict]) -> None:
    """JSON query results carry dates and datetimes as epoch milliseconds."""
    for col in columns:
        if col.field.type not in ("date", "datetime"):
            continue
        for record in records:
            holder = record
            for key in col.path[:-1]:
                holder = holder.get(key) if isinstance(holder, dict) else None
            value = holder.get(col.path[-1]) if isinstance(holder, dict) else None
            if isinstance(value, str):
                fmt = "%Y-%m-%d" if col.field.type == "date" else "%Y-%m-%dT%H:%M:%S.%f%z"
                moment = datetime.strptime(value, fmt)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=timezone.utc)
                holder[col.path[-1]] = int(moment.timestamp() * 1000)


def error_response(response: Response, request) -> Response:
    """Gate and handler errors of /services/async as Bulk API errors, in the request's format."""
    if response.status < 400 or not response.headers.get("Content-Type", "").startswith("application/json"):
        return response
    try:
        (error,) = json.loads(response.body)
        code, message = error["errorCode"], error["message"]
    except (ValueError, TypeError, KeyError):
        return response
    code, status = EXCEPTIONS.get(code, (code, response.status))
    headers = {k: v for k, v in response.headers.items() if k != "Content-Type"}
    if wants_json(request):
        out = Response.json({"exceptionCode": code, "exceptionMessage": message}, status)
    else:
        out = xml(f'<error xmlns="{NS}"><exceptionCode>{escape(code)}</exceptionCode>'
                  f"<exceptionMessage>{escape(message)}</exceptionMessage></error>", status)
    out.headers.update(headers)
    return out
