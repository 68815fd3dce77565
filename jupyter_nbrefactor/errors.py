"""The one error type the engine raises for input it cannot accept."""


class RequestError(ValueError):
    """Bad input: the handlers answer ``{"message": str(err)}`` with ``status``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
