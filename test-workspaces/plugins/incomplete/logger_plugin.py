import logging

from qtforge.core import IPlugin

log = logging.getLogger("logger_plugin")


# expect: plugin-interface-incomplete confidence=definite
# expect: plugin-factory-missing confidence=definite
class LoggerPlugin(IPlugin):
    def name(self):
        return "LoggerPlugin"

    def version(self):
        return "0.3.0"

    def initialize(self):
        log.info("logger plugin ready")
        return True

    def cleanup(self):
        log.info("logger plugin stopped")


def make_plugin():
    return LoggerPlugin()
