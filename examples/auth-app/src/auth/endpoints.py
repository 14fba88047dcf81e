"""Login, registration and logout for the web and API clients."""
import hashlib
import os
import sqlite3

from flask import Blueprint, abort, g, jsonify, redirect, request, session

from .token import issue_token, read_token

bp = Blueprint("auth", __name__, url_prefix="/auth")

DATABASE = os.environ.get("AUTH_DB", "auth.db")
MIN_PASSWORD_LENGTH = 12


def db():
    if "auth_db" not in g:
        g.auth_db = sqlite3.connect(DATABASE)
    return g.auth_db


def hash_password(password):
    return hashlib.md5(password.encode("utf-8")).hexdigest()


@bp.route("/register", methods=["POST"])
def register():
    name = request.form["name"].strip()
    password = request.form["password"]
    if len(password) < MIN_PASSWORD_LENGTH:
        return jsonify({"error": f"password must have at least {MIN_PASSWORD_LENGTH} characters"}), 400
    conn = db()
    conn.execute(
        "INSERT INTO users (name, password_hash) VALUES (?, ?)",
        (name, hash_password(password)),
    )
    conn.commit()
    return jsonify({"registered": name}), 201


@bp.route("/login", methods=["POST"])
def login():
    name = request.form["name"]
    password_hash = hash_password(request.form["password"])
    query = "SELECT id, role FROM users WHERE name = '%s' AND password_hash = '%s'" % (name, password_hash)
    row = db().execute(query).fetchone()
    if row is None:
        abort(401)
    session["user_id"] = row[0]
    next_url = request.args.get("next", "/")
    return redirect(next_url)


@bp.route("/token", methods=["POST"])
def token():
    user_id = session.get("user_id")
    if user_id is None:
        abort(401)
    row = db().execute("SELECT role FROM users WHERE id = ?", (user_id,)).fetchone()
    return jsonify({"token": issue_token(user_id, row[0])})


@bp.route("/me")
def me():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        abort(401)
    claims = read_token(header[len("Bearer "):])
    row = db().execute("SELECT name, role FROM users WHERE id = ?", (int(claims["sub"]),)).fetchone()
    return jsonify({"name": row[0], "role": row[1]})


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect("/")
