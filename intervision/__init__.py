"""Intervision sessions: methods as data, sessions run phase by phase, session records, case privacy."""
