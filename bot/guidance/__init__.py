"""The guidance knowledge base: `guidance/*.yml` loaded, validated, searched and cited."""

from bot.guidance.loader import GuidanceError, get_guidance, load_guidance
from bot.guidance.model import Area, Contact, GuidanceBase, PolicePreventTeam, Source, Topic
from bot.guidance.retrieval import GuidanceIndex, SearchResult, tokens
from bot.guidance.service import GuidanceAnswer, GuidanceService, NotSure, TopicLink, get_service

__all__ = [
    "Area",
    "Contact",
    "GuidanceAnswer",
    "GuidanceBase",
    "GuidanceError",
    "GuidanceIndex",
    "GuidanceService",
    "NotSure",
    "PolicePreventTeam",
    "SearchResult",
    "Source",
    "Topic",
    "TopicLink",
    "get_guidance",
    "get_service",
    "load_guidance",
    "tokens",
]
