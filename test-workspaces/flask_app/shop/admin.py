"""Admin routes, reading the request through the `flask` module."""

import flask

admin = flask.Blueprint("admin", __name__)


@admin.route("/admin/restock", methods=["POST"])
def restock():
    # expect: flask-request-key-error confidence=likely
    amount = flask.request.form["amount"]
    lookup = {"amount": amount}
    # expect-not: flask-request-key-error
    return flask.jsonify(lookup["amount"])
