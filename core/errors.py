"""Domain errors: one base exception with a code and a Chinese message."""


class DomainError(Exception):
    """A business rule said no. The admin shows it as a message, the API as 400/409."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ConflictError(DomainError):
    code = "conflict"
    status = 409
