"""The module exists, but the manifest names `exporter_plugin.py`."""

from qtforge.core import IPlugin


class ExporterPlugin(IPlugin):
    def name(self):
        return "ExporterPlugin"

    def version(self):
        return "0.1.0"

    def initialize(self):
        return True

    def activate(self):
        return True

    def deactivate(self):
        return True

    def cleanup(self):
        pass


def create_plugin():
    return ExporterPlugin()
