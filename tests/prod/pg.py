"""Fresh databases on the session's throwaway PostgreSQL server (tests/conftest.py)."""

from __future__ import annotations

import uuid

import psycopg2
from sqlalchemy.engine import make_url


def new_pg_database(server_url: str, prefix: str = "t") -> str:
    """Create an empty database next to `server_url`'s and return its URL."""
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(
        host=server.host, port=server.port, user=server.username, dbname="postgres"
    )
    try:
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    return server.set(database=name).render_as_string(hide_password=False)
