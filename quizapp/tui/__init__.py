"""The Textual front end: screens, widgets and dialogs over :mod:`quizapp.core`. No rules here."""
