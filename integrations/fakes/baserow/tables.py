"""Tables: list and create (with Baserow's example content or a header row)."""

from typing import Any

from integrations.fakes.baserow.errors import _required, _validation
from integrations.fakes.baserow.models import FakeField, FakeTable
from integrations.fakes.baserow.values import ValuesMixin


class TablesMixin(ValuesMixin):
    def _list_tables(self, database_id: int, **_: Any) -> tuple[int, Any]:
        self._database(database_id)
        return 200, [
            {"id": t.id, "name": t.name, "order": i, "database_id": t.database_id}
            for i, t in enumerate(self.tables.values())
        ]

    def _create_table(self, database_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        self._database(database_id)
        payload = payload or {}
        name = payload.get("name")
        if not isinstance(name, str) or not name:
            raise _validation({"name": _required()})
        table = FakeTable(id=next(self._ids), name=name, database_id=database_id)
        self.tables[table.id] = table
        data = payload.get("data")
        if data and payload.get("first_row_header"):
            header = data[0]
            for index, column in enumerate(header):
                table.fields.append(
                    FakeField(
                        next(self._ids),
                        table.id,
                        str(column),
                        "text",
                        primary=index == 0,
                        order=index,
                    )
                )
        else:  # Baserow's example content
            table.fields += [
                FakeField(next(self._ids), table.id, "Name", "text", primary=True),
                FakeField(next(self._ids), table.id, "Notes", "long_text", order=1),
                FakeField(next(self._ids), table.id, "Active", "boolean", order=2),
            ]
            for _row in range(2):
                self._insert(table, {})
        return 200, {
            "id": table.id,
            "name": table.name,
            "order": len(self.tables),
            "database_id": database_id,
            "data_sync": None,
        }
