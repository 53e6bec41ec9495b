"""Prevent safeguarding assistant: the plain-Python domain core and its Rasa adapters."""
