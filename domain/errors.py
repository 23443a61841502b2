"""Domain exceptions raised by services and selectors; the API maps each to an error code."""


class NotFound(LookupError):
    def __init__(self, entity: str, row_id: int | str) -> None:
        super().__init__(f"{entity} {row_id} does not exist.")
        self.entity = entity
        self.row_id = row_id
