"""The question bank: its format (models), loading with validation, and statistics."""
