//! Tests of the framework rules: fixtures with inline expectations, matched both ways.

use crate::testing::check_fixture_expectations;

#[track_caller]
fn check(fixture: &str) {
    let result = check_fixture_expectations(fixture);
    assert!(result.passed(), "{}", result.report());
}

#[test]
fn rules_stay_off_without_the_framework() {
    check(
        r#"
class Request:
    args = {"q": "coffee"}

request = Request()

def route(path):
    return lambda function: function

@route("/search")
def search():
    # expect-not: flask-request-key-error
    return request.args["q"]

class Router:
    def get(self, path):
        return lambda function: function

app = Router()

@app.get("/items/{item_id}")
def read_item(id):
    return id
"#,
    );
}

#[test]
fn configuration_forces_a_framework() {
    check(
        r#"
#- /remedy.toml
frameworks = ["flask"]
#- /compat.py
import vendored_web
request = vendored_web.request
app = vendored_web.app
#- /views.py
from compat import request, app

@app.route("/search")
def search():
    # expect-not: flask-request-key-error
    return request.args["q"]
"#,
    );
    // `request` must be Flask's: a local module's `request` stays silent even when forced.
}

#[test]
fn a_workspace_import_switches_the_pack_on_for_every_file() {
    check(
        r#"
#- /app/__init__.py
from flask import Flask
app = Flask(__name__)
#- /app/views.py
from . import app

@app.route("/posts/<int:post_id>")
# expect: view-returns-none confidence=likely
def show_post(post_id):
    if post_id > 0:
        return "post"
"#,
    );
}

#[test]
fn flask_request_guards() {
    check(
        r#"
from flask import Flask, abort, request

app = Flask(__name__)

@app.route("/a")
def a():
    # expect: flask-request-key-error confidence=likely
    first = request.args["first"]
    # expect-not: flask-request-key-error
    second = request.args["second"] if "second" in request.args else None
    if "third" not in request.cookies:
        abort(400)
    # expect-not: flask-request-key-error
    third = request.cookies["third"]
    try:
        # expect-not: flask-request-key-error
        fourth = request.form["fourth"]
    except KeyError:
        fourth = ""
    return first + str(second) + third + fourth
"#,
    );
}

#[test]
fn abort_and_always_raising_helpers_end_a_view_path() {
    check(
        r#"
from flask import Flask, abort

app = Flask(__name__)
POSTS = {1: {"title": "hello"}}

def forbidden():
    raise PermissionError("no")

@app.route("/posts/<int:post_id>")
# expect-not: view-returns-none
def show(post_id):
    post = POSTS.get(post_id)
    if post is None:
        abort(404)
    # expect-not: none-subscript
    return post["title"]

@app.route("/admin")
# expect-not: view-returns-none
def admin():
    if app.debug:
        return "admin"
    forbidden()

@app.route("/broken")
# expect: view-returns-none confidence=definite
def broken():
    print("forgot to return")
"#,
    );
}

#[test]
fn fastapi_path_parameters_and_dependencies() {
    check(
        r#"
from fastapi import Depends, FastAPI

app = FastAPI()

def item_from_path(item_id: int):
    return item_id

# expect: fastapi-missing-path-param confidence=definite
@app.get("/items/{item_id}")
def read(id: int):
    return id

# expect-not: fastapi-missing-path-param
@app.get("/items/{item_id}/owner")
def owner(item=Depends(item_from_path)):
    return item

# expect-not: fastapi-missing-path-param
@app.get("/things/{thing_id}")
def thing(thing_id: int, **extra):
    return thing_id
"#,
    );
}

#[test]
fn fastapi_blocking_calls_resolve_through_imports() {
    check(
        r#"
from time import sleep
import asyncio
from fastapi import FastAPI

app = FastAPI()

def sleep_a_bit():
    sleep(1)

@app.get("/slow")
async def slow():
    # expect: fastapi-blocking-in-async-route confidence=definite
    sleep(1)
    await asyncio.sleep(1)
    # Nested functions do not run in the route.
    def later():
        # expect-not: fastapi-blocking-in-async-route
        sleep(2)
    return later
"#,
    );
}

#[test]
fn django_views_and_querydicts() {
    check(
        r#"
#- /shop/views.py
from django.http import HttpResponse
from django.utils.datastructures import MultiValueDictKeyError
from .models import Order

def order(request, pk):
    # expect: django-get-does-not-exist confidence=likely
    found = Order.objects.get(pk=pk)
    try:
        # expect-not: django-querydict-key-error
        note = request.POST["note"]
    except MultiValueDictKeyError:
        note = ""
    return HttpResponse(str(found) + note)

def cache_lookup(cache, key):
    # A dict's `get`, not a manager's.
    # expect-not: django-get-does-not-exist
    return cache.objects.get(key)
#- /shop/models.py
from django.db import models

class Order(models.Model):
    note = models.TextField()
"#,
    );
}

#[test]
fn sqlalchemy_handlers_that_clean_up() {
    check(
        r#"
from sqlalchemy.orm import Session

def save(session: Session, row) -> bool:
    session.add(row)
    try:
        # expect: sqlalchemy-commit-without-rollback confidence=likely
        session.commit()
    except Exception:
        return False
    return True

def save_closing(session: Session, row) -> bool:
    try:
        session.add(row)
        # expect-not: sqlalchemy-commit-without-rollback
        session.commit()
    except Exception:
        session.close()
        return False
    return True

def save_other_errors(session: Session, row) -> bool:
    try:
        # ValueError is not what a failed commit raises.
        # expect-not: sqlalchemy-commit-without-rollback
        session.commit()
    except ValueError:
        return False
    return True

def save_in_transaction(session: Session, row) -> None:
    with session.begin():
        try:
            session.add(row)
            # expect-not: sqlalchemy-commit-without-rollback
            session.commit()
        except Exception:
            pass
"#,
    );
}
