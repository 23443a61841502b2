"""The application layer: every operation the doors (REST, tasks, admin, commands, reports, cards,
MCP) call, once. No HTTP framework is imported here."""
