"""Settings: business details, payment terms, credit and follow-up policies, outgoing mail."""
