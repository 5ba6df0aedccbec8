"""planner: a desktop meal and micronutrient planner (magnesium and vitamin D)."""

__version__ = "0.1.0"
