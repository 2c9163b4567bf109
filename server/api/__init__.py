"""The published contracts: the HTTP API as OpenAPI 3 (``/api/schema/``) and the room socket
as AsyncAPI 3 (``/api/protocol/``), generated from the operations' schemas and the events'
types, never written by hand."""
