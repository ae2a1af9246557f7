"""Documents going out: statements, letters, exports, e-mail. Imports no Qt."""
