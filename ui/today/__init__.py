"""Today: the day's follow-up worklist, reminders to review and approve, and letters to print."""
