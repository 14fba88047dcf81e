"""Authentication: login, registration and API tokens."""
