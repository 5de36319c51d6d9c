import qtforge
from qtforge.communication import MessageBus
from qtforge.core import IPlugin, PluginState


# expect-not: plugin-interface-incomplete
class WeatherPlugin(IPlugin):
    def __init__(self):
        super().__init__()
        self._state = PluginState.UNLOADED
        self._bus = None

    def name(self) -> str:
        return "WeatherPlugin"

    def version(self) -> str:
        return "1.0.0"

    def description(self) -> str:
        return "Publishes weather readings"

    def initialize(self) -> bool:
        try:
            self._bus = MessageBus.instance()
            self._state = PluginState.INITIALIZED
            return True
        except Exception as error:
            print(f"initialization failed: {error}")
            self._state = PluginState.ERROR
            return False

    def activate(self) -> bool:
        if self._state != PluginState.INITIALIZED:
            return False
        self._bus.publish("plugin.events", {"type": "activation", "plugin": self.name()})
        self._state = PluginState.ACTIVE
        return True

    def deactivate(self) -> bool:
        self._state = PluginState.INITIALIZED
        return True

    def cleanup(self):
        if self._bus:
            self._bus.unsubscribe_all(self)
        self._state = PluginState.UNLOADED

    def state(self):
        return self._state

    def publish_reading(self, celsius: float):
        self._bus.publish("weather.readings", {"celsius": celsius, "at": qtforge.utils.current_timestamp()})


def create_plugin():
    return WeatherPlugin()
