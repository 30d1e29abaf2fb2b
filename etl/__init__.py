"""Court-Circuit ETL: source adapters → normalisation → resolution → DuckDB."""
