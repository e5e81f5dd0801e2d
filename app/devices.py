"""A short, human label for a browser's User-Agent ("Firefox on Linux"): what "Your sessions" shows, nothing more."""

from __future__ import annotations

import re

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", r"\bEdg(e|A|iOS)?/"),
    ("Opera", r"\bOPR/"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Firefox", r"\b(Firefox|FxiOS)/"),
    ("Chrome", r"(Chrome|Chromium|CriOS)/"),
    ("Safari", r"\bSafari/"),
)
_SYSTEMS = (
    ("Android", r"Android"),
    ("iOS", r"iPhone|iPad|iPod"),
    ("ChromeOS", r"CrOS"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux"),
)


def device_label(user_agent: str | None) -> str:
    """'Browser on system', or 'Unknown browser'; never the raw header, which can fingerprint a person."""
    text = (user_agent or "")[:512]
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, text)), None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, text)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "Unknown browser")
