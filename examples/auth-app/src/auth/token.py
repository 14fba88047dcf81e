"""API tokens: HS256 JWTs carrying the user id and role."""
import time

import jwt

SECRET_KEY = "auth-signing-key-2026-do-not-share"
TOKEN_TTL_SECONDS = 3600


def issue_token(user_id, role):
    now = int(time.time())
    claims = {"sub": str(user_id), "role": role, "iat": now, "exp": now + TOKEN_TTL_SECONDS}
    return jwt.encode(claims, SECRET_KEY, algorithm="HS256")


def read_token(token):
    """Claims of a token from the API (checked signature and expiry)."""
    return jwt.decode(token, SECRET_KEY, algorithms=["HS256"])


def read_legacy_token(token):
    """Claims of a token from the old mobile client, which does not sign them."""
    return jwt.decode(token, options={"verify_signature": False})


def is_admin(token):
    return read_token(token).get("role") == "admin"
