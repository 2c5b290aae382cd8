"""Errors raised by services; the API turns each into one clear 4xx answer in the user's language."""


class DomainError(Exception):
    """A request that the rules refuse. `field` names the input at fault, when there is one."""

    status = 422
    code = "invalid"

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class FieldError(DomainError):
    def __init__(self, field: str, message, *, code: str = "invalid"):
        super().__init__(message, field=field, code=code)


class NotAllowed(DomainError):
    """The actor's role, or their part in the complaint, does not let them do this."""

    status = 403
    code = "forbidden"


class InvalidTransition(DomainError):
    """The complaint's current status does not allow this step."""

    status = 409
    code = "invalid_transition"


class StaleVersion(DomainError):
    """Someone changed the record since the caller read it."""

    status = 409
    code = "stale_version"


class TooMany(DomainError):
    """A rate limit was reached: the same request later may succeed."""

    status = 429
    code = "too_many"
