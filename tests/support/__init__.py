"""Test helpers: a real Postgres, real sockets, waiting on conditions."""
