"""Astronomy helpers loaded by the tool host (`load_script("astro_tool", "astro")`)."""

import math


def calculate_altitude(declination: float, latitude: float, hour_angle: float) -> float:
    dec, lat, ha = (math.radians(v) for v in (declination, latitude, hour_angle))
    sin_alt = math.sin(dec) * math.sin(lat) + math.cos(dec) * math.cos(lat) * math.cos(ha)
    return math.degrees(math.asin(sin_alt))


def airmass(altitude: float) -> float:
    return 1.0 / math.sin(math.radians(max(altitude, 1.0)))


def get_tool_info() -> dict:
    return {
        "name": "astro_tool",
        "version": "1.2.0",
        "description": "Altitude and airmass calculations",
        # expect-not: tool-info-unknown-function
        "functions": ["calculate_altitude", "airmass"],
    }
