"""Benchmarks printing the performance figures of README.md (see each script's docstring for how to run it).

A package so that the HTTP benchmarks can share `benchmarks.slack_server`; run those as modules from the repo root
(`.venv/bin/python -m benchmarks.bench_slack_ack`). The in-process ones also still run as plain scripts.
"""
