"""The reference provincial server (``pip install skillsapp[server]``; ``skillsapp serve``).

FastAPI on uvicorn with SQLAlchemy Core; SQLite by default, PostgreSQL through
a database URL. The HTTP API is versioned under ``/api/v1`` and described by
its OpenAPI schema (``docs/openapi.json``).
"""
