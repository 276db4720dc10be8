"""The study plan: a scheduler wrapped (FSRS), a queue for today, a forecast for the exam."""
