"""Common lifecycle for the in-house plugins."""

from qtforge.core import IPlugin, PluginState


class BasePlugin(IPlugin):
    def __init__(self):
        super().__init__()
        self._state = PluginState.UNLOADED

    def initialize(self) -> bool:
        self._state = PluginState.INITIALIZED
        return True

    def activate(self) -> bool:
        self._state = PluginState.ACTIVE
        return True

    def deactivate(self) -> bool:
        self._state = PluginState.INITIALIZED
        return True

    def cleanup(self):
        self._state = PluginState.UNLOADED

    def state(self):
        return self._state
