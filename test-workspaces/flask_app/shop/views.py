"""Routes of the shop blueprint."""

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest

from .catalogue import find_product, refuse, search_products

shop = Blueprint("shop", __name__)


@shop.route("/search")
def search():
    # expect: flask-request-key-error confidence=likely
    # heal: flask-request-key-error flask-request-key-400
    term = request.args["q"]
    return jsonify(search_products(term))


@shop.route("/search/page")
def search_page():
    page = int(request.args.get("page", 1))
    # expect-not: flask-request-key-error
    sort = request.args["sort"] if "sort" in request.args else "name"
    return render_template("search.html", page=page, sort=sort)


@shop.post("/newsletter")
def newsletter():
    if "email" not in request.form:
        abort(400, "email is required")
    # expect-not: flask-request-key-error
    email = request.form["email"]
    return jsonify({"subscribed": email})


@shop.post("/upload")
def upload_receipt():
    try:
        # expect-not: flask-request-key-error
        receipt = request.files["receipt"]
    except BadRequest:
        return jsonify({"error": "no receipt"}), 400
    receipt.save("/tmp/receipt.pdf")
    return jsonify({"ok": True})


@shop.post("/checkout")
def checkout():
    # expect: flask-request-key-error confidence=likely
    token = request.headers["X-Checkout-Token"]
    # expect: flask-request-key-error confidence=likely
    quantity = int(request.form["quantity"])
    return jsonify({"token": token, "quantity": quantity})


@shop.route("/products/<int:product_id>")
# expect: view-returns-none confidence=likely
def product_detail(product_id):
    product = find_product(product_id)
    if product is not None:
        return render_template("product.html", product=product)


@shop.route("/products/<int:product_id>/buy")
# expect-not: view-returns-none
def buy(product_id):
    product = find_product(product_id)
    if product is None:
        abort(404)
    if product["stock"] == 0:
        return redirect(url_for("shop.product_detail", product_id=product_id))
    return render_template("buy.html", product=product)


@shop.route("/products/<int:product_id>/reserve")
# expect-not: view-returns-none
def reserve(product_id):
    product = find_product(product_id) or {"stock": 0}
    if product["stock"] > 0:
        return jsonify({"reserved": product_id})
    refuse("out of stock")


@shop.route("/cart/clear", methods=["POST"])
# expect: view-returns-none confidence=likely
def clear_cart():
    cart = request.get_json(silent=True)
    if not cart:
        return
    cart.clear()
    return jsonify({"cleared": True})


@shop.route("/wishlist", methods=["GET", "POST"])
# expect-not: view-returns-none
def wishlist():
    if request.method == "POST":
        return jsonify({"saved": True})
    elif request.method == "GET":
        return render_template("wishlist.html")


def helper_without_route(items):
    if items:
        return items[0]
