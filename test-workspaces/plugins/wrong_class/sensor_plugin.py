from qtforge.core import IPlugin


class SensorPlugin(IPlugin):
    def __init__(self):
        super().__init__()
        self._readings = []

    def name(self):
        return "SensorPlugin"

    def version(self):
        return "1.1.0"

    def initialize(self):
        self._readings.clear()
        return True

    def activate(self):
        return True

    def deactivate(self):
        return True

    def cleanup(self):
        self._readings.clear()


def create_plugin():
    return SensorPlugin()
