"""One screen per flow: home, practice (also drills and mistake review), exam, result, progress,
settings, help. Screens call the core and show what it returns; they hold no rules."""
