"""Rasa runtime adapters for running the assistant, kept out of bot/rasa_ext on purpose.

bot/rasa_ext is part of the model's input hash (scripts/model.py: it holds the NLU
components and the policy), so anything there retrains the model when it changes. What
is here only affects how the server runs: the tracker store subclass (metrics, cache)
and the turn lock store.
"""
