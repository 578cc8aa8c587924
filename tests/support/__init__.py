"""Test infrastructure for the Slack edge: a local Slack Web API mock and signed request builders."""
