"""What the areas share: the task helper, row models, list tables, field errors,
messages, the PDF preview and the style."""
