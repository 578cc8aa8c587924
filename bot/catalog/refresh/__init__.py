"""`bedrock-assistant catalog refresh`: prices and models from AWS's own APIs, written as a generated layer.

AWS (Price List `GetProducts`, Bedrock `ListFoundationModels` / `ListInferenceProfiles`) → normalised records
(`records`) → the generated catalog layer (`mapping`) and the change report (`report`). Curated files are never
edited; where both give a value the curated one wins and the disagreement is recorded.
"""
