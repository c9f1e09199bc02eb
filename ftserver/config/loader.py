"""Settings from JSON files merged left to right, then FTSERVER__* environment variables, then
command-line overrides; validated into a frozen ``Settings``.

A wrong type, an out-of-range value or a missing required key raises ``ConfigError`` naming the
full key path (``api_server.listen_port``). Unknown keys are logged as warnings with their path.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields

from ftserver.bot.pairlists.registry import HANDLERS
from ftserver.config.fields import freeze, thaw
from ftserver.config.parsing import read_config_file
from ftserver.config.settings import ConfigSchema, Settings
from ftserver.errors import ConfigError

log = logging.getLogger(__name__)

ENV_PREFIX = "FTSERVER__"


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``, objects merged key by key (later config files win)."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = thaw(value)
    return result


def _keyed_fields(schema: Schema | None) -> dict[str, fields.Field[Any]]:
    """A schema's fields by the key a config file uses for them."""
    if schema is None:
        return {}
    return {field.data_key or name: field for name, field in schema.fields.items()}


def _match_key(candidates: Mapping[str, Any], key: str) -> str:
    lower = key.lower()
    for name in candidates:
        if name.lower() == lower:
            return name
    return lower


def _set_path(target: dict[str, Any], path: list[str], make_value: Callable[[fields.Field[Any] | None], Any]) -> None:
    """Set a value at ``path``, matching existing/known keys case-insensitively.

    ``make_value`` gets the schema field at the path (None for unknown keys), because environment
    text is parsed differently for string keys.
    """
    node: dict[str, Any] = target
    schema: Schema | None = ConfigSchema()
    for index, part in enumerate(path):
        known_fields = _keyed_fields(schema)
        key = _match_key({**node, **known_fields}, part)
        field = known_fields.get(key)
        if index == len(path) - 1:
            node[key] = make_value(field)
            return
        schema = field.schema if isinstance(field, fields.Nested) else None
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child


def _env_value(raw: str, field: fields.Field[Any] | None) -> Any:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    # A password or name such as 12345 or true is still meant as text when the key holds a string.
    if isinstance(field, fields.String) and value is not None and not isinstance(value, str):
        return raw
    return value


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    result = copy.deepcopy(data)
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX):
            continue
        path = [p for p in name[len(ENV_PREFIX) :].split("__") if p]
        if path:
            raw = env[name]
            _set_path(result, path, functools.partial(_env_value, raw))
    return result


def _given(value: Any, _field: fields.Field[Any] | None) -> Any:
    return value


def _apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(data)
    for dotted, value in overrides.items():
        _set_path(result, dotted.split("."), functools.partial(_given, value))
    return result


def _first_error(messages: Any, prefix: str = "") -> tuple[str, str]:
    """Walk marshmallow's nested messages to the first leaf: (dotted path, message)."""
    if isinstance(messages, dict):
        key = next(iter(messages))
        # "_schema" marks an error of the section itself (e.g. a number where an object belongs).
        path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        return _first_error(messages[key], path)
    if isinstance(messages, list) and messages:
        return _first_error(messages[0], prefix) if isinstance(messages[0], dict | list) else (prefix, str(messages[0]))
    return prefix, str(messages)


def _warn_unknown(data: Any, schema: Schema | None, prefix: str = "") -> None:
    if not isinstance(data, dict) or schema is None:
        return
    known = _keyed_fields(schema)
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        field = known.get(key)
        if field is None:
            if "options" not in known:  # a pairlist step's options are checked against its handler below
                log.warning("Unknown config key '%s' ignored", path)
            continue
        if isinstance(field, fields.Nested):
            _warn_unknown(value, field.schema, path)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested) and isinstance(value, list):
            for index, item in enumerate(value):
                _warn_unknown(item, field.inner.schema, f"{path}.{index}")


def _warn_unknown_options(settings: Settings) -> None:
    for index, step in enumerate(settings.pairlists):
        known = HANDLERS[step.method].OPTIONS
        for key in step.options:
            if key not in known:
                log.warning("Unknown config key 'pairlists.%d.%s' ignored", index, key)


def _validate(data: dict[str, Any], files: tuple[Path, ...]) -> Settings:
    schema = ConfigSchema()
    try:
        settings: Settings = schema.load(data)
    except ValidationError as exc:
        key, message = _first_error(exc.normalized_messages())
        raise ConfigError(message, key=key) from None
    _warn_unknown(data, schema)
    _warn_unknown_options(settings)
    # Provenance, not config keys: set once here, on the frozen instance nobody else has seen yet.
    object.__setattr__(settings, "files", files)
    object.__setattr__(settings, "source", freeze(data))
    return settings


def load_settings(
    paths: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    merged: dict[str, Any] = {}
    files = tuple(Path(p) for p in paths)
    for path in files:
        merged = _merge(merged, read_config_file(path))
    merged = _apply_env(merged, os.environ if env is None else env)
    if overrides:
        merged = _apply_overrides(merged, overrides)
    return _validate(merged, files)


def settings_from_dict(values: Mapping[str, Any], *, env: Mapping[str, str] | None = None) -> Settings:
    data = _apply_env(copy.deepcopy(dict(values)), env or {})
    return _validate(data, ())
