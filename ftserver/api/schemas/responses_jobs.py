"""Response schemas of the webserver mode's job routes: background jobs, pairlist evaluation, data download,
and the FreqAI model and hyperopt loss lists."""

from __future__ import annotations

from marshmallow import fields, validate

from ftserver.api.schemas.responses import ResponseSchema, nullable_float, nullable_str
from ftserver.api.schemas.responses_pairs import WhitelistSchema

JOB_CATEGORIES = validate.OneOf(["pairlist", "download_data", "backtest", "lookahead_analysis", "recursive_analysis"])


class ProgressTaskSchema(ResponseSchema):
    progress = fields.Float()
    total = fields.Float()
    description = fields.String()


class BackgroundJobSchema(ResponseSchema):
    job_id = fields.String()
    job_category = fields.String(validate=JOB_CATEGORIES)
    status = fields.String(
        validate=validate.OneOf(["pending", "success", "failed"]),
        metadata={"description": "pending until the work ends (running tells whether it started)"},
    )
    running = fields.Boolean()
    progress = nullable_float()
    progress_tasks = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ProgressTaskSchema),
        allow_none=True,
        metadata={"description": "the job's progress bars by task id; null for kinds that have none"},
    )
    error = nullable_str()


class JobStartedSchema(ResponseSchema):
    status = fields.String()
    job_id = fields.String()


class PairlistEvaluationSchema(ResponseSchema):
    status = fields.String(validate=validate.OneOf(["success", "failed"]))
    error = nullable_str()
    result = fields.Nested(WhitelistSchema, allow_none=True)


class FreqaiModelsSchema(ResponseSchema):
    freqaimodels = fields.List(fields.String())


class HyperoptLossSchema(ResponseSchema):
    name = fields.String()
    description = fields.String()


class HyperoptLossesSchema(ResponseSchema):
    loss_functions = fields.List(fields.Nested(HyperoptLossSchema))
