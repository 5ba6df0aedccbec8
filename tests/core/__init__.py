"""Tests of planner.core: pure values, no files, no database, no Qt."""
