"""Rasa graph components that plug the domain core into the Rasa server.

Adapters only: the decisions are made in `bot.risk`; these classes translate them into
Rasa's terms (intents on parsed messages, forced predictions in the policy ensemble).
"""
