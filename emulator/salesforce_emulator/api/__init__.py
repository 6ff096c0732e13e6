"""The HTTP side of the emulator: the server and router, the app that gates and meters every
call, and the Salesforce resources (login, query, records, composite, Bulk 2.0) plus the local
control API."""
