from shared.base import BasePlugin


# expect-not: plugin-interface-incomplete
class MetricsPlugin(BasePlugin):
    def name(self) -> str:
        return "MetricsPlugin"

    def version(self) -> str:
        return "2.0.0"

    def collect(self) -> dict:
        return {"state": str(self.state())}


def create_plugin():
    return MetricsPlugin()
