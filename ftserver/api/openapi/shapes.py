"""Response schemas for the OpenAPI document, derived from the wire shapes (``ftserver.rpc.shapes``).

``marshmallow_dataclass`` turns each shape's dataclass into a marshmallow schema, which apispec's
marshmallow plugin renders. The base schema makes every key required (a shape's fields are always
sent; ``X | None`` only makes the value nullable) and an undeclared key an error, which the
document shows as ``additionalProperties: false``. A field marked ``documented_as`` (it may hold
pre-encoded JSON) is documented as the type it names.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypeGuard

import marshmallow_dataclass
from marshmallow import RAISE, Schema, fields, missing

from ftserver.rpc.shapes import DOCUMENTED_AS


class _ShapeSchema(Schema):
    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        field_obj.required = True
        field_obj.load_default = missing  # nullable is not "may be left out": no default to document


def is_shape(value: object) -> TypeGuard[type[Any]]:
    """Whether ``value`` is a wire shape class (a dataclass), as ``Operation.response`` takes it."""
    return isinstance(value, type) and dataclasses.is_dataclass(value)


# One schema per shape class: apispec names components by schema class, so a second class for the
# same shape would be listed twice. A pure derivation of immutable classes, shared safely.
_SCHEMAS: dict[type[Any], type[Schema]] = {}


def shape_schema(shape: type[Any]) -> type[Schema]:
    """The marshmallow schema of ``shape``, built once per class."""
    schema = _SCHEMAS.get(shape)
    if schema is None:
        schema = _SCHEMAS[shape] = marshmallow_dataclass.class_schema(_as_documented(shape), base_schema=_ShapeSchema)
    return schema


def _as_documented(shape: type[Any]) -> type[Any]:
    """``shape``, or a dataclass of the same name and fields with each ``documented_as`` type in place."""
    declared = dataclasses.fields(shape)
    if not any(DOCUMENTED_AS in f.metadata for f in declared):
        return shape
    hints = typing.get_type_hints(shape)
    return dataclasses.make_dataclass(
        shape.__name__,
        [
            (
                f.name,
                f.metadata.get(DOCUMENTED_AS, hints[f.name]),
                dataclasses.field(metadata={k: v for k, v in f.metadata.items() if k != DOCUMENTED_AS}),
            )
            for f in declared
        ],
        frozen=True,
    )
