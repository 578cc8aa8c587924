"""A local stand-in for the AWS Price List (`pricing`) and Bedrock control-plane (`bedrock`) APIs.

Unmodified boto3 talks to it through the SDK's own per-service endpoint variables
(`AWS_ENDPOINT_URL_PRICING`, `AWS_ENDPOINT_URL_BEDROCK`) with any credentials; it serves `GetProducts` (JSON 1.1,
`NextToken` paging), `ListFoundationModels` and `ListInferenceProfiles` (REST-JSON, `nextToken` paging) in
their real wire shapes, per region (read from the request's SigV4 credential scope), from `AwsData`.
"""

from bot.aws_local.data import AwsData
from bot.aws_local.server import LocalAws

__all__ = ["AwsData", "LocalAws"]
