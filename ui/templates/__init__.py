"""Templates: the reminder letters and e-mails, edited with a live preview."""
