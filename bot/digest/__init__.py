"""The daily cost digest: yesterday's and the last fortnight's Bedrock usage and cost, posted to a channel."""
