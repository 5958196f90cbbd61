"""borderie: structured facts from Vietnamese border news."""
