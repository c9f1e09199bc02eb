"""Response schemas for the OpenAPI document, derived from the wire shapes (``ftserver.rpc.shapes``).

``marshmallow_dataclass`` turns each shape's dataclass into a marshmallow schema, which apispec's
marshmallow plugin renders. The base schema makes every key required (a shape's fields are always
sent; ``X | None`` only makes the value nullable) and an undeclared key an error, which the
document shows as ``additionalProperties: false``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeGuard

import marshmallow_dataclass
from marshmallow import RAISE, Schema, fields, missing


class _ShapeSchema(Schema):
    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        field_obj.required = True
        field_obj.load_default = missing  # nullable is not "may be left out": no default to document


def is_shape(value: object) -> TypeGuard[type[Any]]:
    """Whether ``value`` is a wire shape class (a dataclass), as ``Operation.response`` takes it."""
    return isinstance(value, type) and dataclasses.is_dataclass(value)


def shape_schema(shape: type[Any]) -> type[Schema]:
    """The marshmallow schema of ``shape`` (built once per class: ``class_schema`` keeps them)."""
    schema: type[Schema] = marshmallow_dataclass.class_schema(shape, base_schema=_ShapeSchema)
    return schema
