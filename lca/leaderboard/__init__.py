"""Leaderboards: footprint against capability for many models at once (docs/leaderboards.md).

Capability leaderboards (the Open LLM Leaderboard's table: a model, its parameter count, its
scores and the leaderboard's own CO2 figure for evaluating it) and performance leaderboards
(output speed and time to first token per provider and model) are read as tables of rows.
"""
