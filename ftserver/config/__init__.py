"""Configuration: JSON files with comments, merged, overridden from the environment and the command
line, validated into typed, frozen ``Settings`` (one dataclass per section, in ``sections``)."""

from ftserver.config.loader import ENV_PREFIX, load_settings, settings_from_dict
from ftserver.config.parsing import parse_config_text
from ftserver.config.redaction import REDACTED, redact
from ftserver.config.settings import ConfigSchema, Settings

__all__ = [
    "ENV_PREFIX",
    "REDACTED",
    "ConfigSchema",
    "Settings",
    "load_settings",
    "parse_config_text",
    "redact",
    "settings_from_dict",
]
