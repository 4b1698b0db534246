"""Presenting estimates: the JSON response (response), and the reports and exports built on it."""
