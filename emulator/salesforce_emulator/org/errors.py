"""The one error type the emulator raises: it renders as Salesforce's JSON error array."""


class ApiError(Exception):
    """An error Salesforce would return: HTTP status, errorCode, message and optional fields."""

    def __init__(self, status: int, code: str, message: str, fields: list[str] | None = None):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields

    def body(self) -> list[dict]:
        item = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            item["fields"] = self.fields
        return [item]
