"""A small Flask shop: catalogue, search and checkout."""

from flask import Flask

from .views import shop


def create_app():
    app = Flask(__name__)
    app.register_blueprint(shop)
    return app
