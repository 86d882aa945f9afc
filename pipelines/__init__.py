"""SEND Coordination Dashboard pipelines: read exports, validate, load into DuckDB, define metrics."""
