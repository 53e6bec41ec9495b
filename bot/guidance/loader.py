"""Loads and validates ``guidance/*.yml``; a broken file stops start-up naming file and entry."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import yaml

from bot.guidance.model import (
    Area,
    Contact,
    GuidanceBase,
    PolicePreventTeam,
    Reply,
    Source,
    Topic,
)
from bot.guidance.scope import (
    load_beyond,
    load_elsewhere,
    load_off_topic_examples,
    load_shared,
    load_subjects,
)
from bot.wording import WordingError, fill_contacts_in

SOURCES_FILE = "sources.yml"
CONTACTS_FILE = "contacts.yml"
#: Interface wording (buttons, refusals, prompts), read by `bot.wording`, not a topic file.
INTERFACE_FILE = "interface.yml"
MIN_EXAMPLES = 3


class GuidanceError(ValueError):
    """A guidance file is missing, malformed or cites an unknown section."""


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise GuidanceError(f"{path.name}: file not found in {path.parent}") from exc
    except yaml.YAMLError as exc:
        raise GuidanceError(f"{path.name}: not valid YAML ({exc})") from exc


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip()
        for v in value
    ):
        raise GuidanceError(f"{where}: '{field}' must be a list of non-empty strings")
    return tuple(str(v).strip() for v in value)


def _load_sources(path: Path) -> dict[str, Source]:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise GuidanceError(f"{path.name}: expected a 'sources:' list")
    sources: dict[str, Source] = {}
    for i, entry in enumerate(data["sources"]):
        where = f"{path.name}, source #{i + 1}"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("document"):
            raise GuidanceError(f"{where}: needs 'id' and 'document'")
        source_id = str(entry["id"]).strip()
        if source_id in sources:
            raise GuidanceError(f"{where}: duplicate source id {source_id!r}")
        sources[source_id] = Source(
            id=source_id,
            document=str(entry["document"]),
            section=str(entry.get("section", "")),
            date=str(entry.get("date", "")),
        )
    return sources


def _load_contacts(
    path: Path, sources: dict[str, Source]
) -> tuple[dict[str, Area], PolicePreventTeam, str, str]:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise GuidanceError(f"{path.name}: expected a mapping")
    police = data.get("police_prevent_team")
    if not isinstance(police, dict) or not police.get("phone") or not police.get("inbox"):
        raise GuidanceError(f"{path.name}: 'police_prevent_team' needs 'phone' and 'inbox'")
    for citation in (police.get("citation", "SET 2.5"), data.get("citation", "SET Annex B")):
        if citation not in sources:
            raise GuidanceError(f"{path.name}: unknown citation {citation!r}")
    areas: dict[str, Area] = {}
    raw_areas = data.get("areas")
    if not isinstance(raw_areas, dict) or not raw_areas:
        raise GuidanceError(f"{path.name}: 'areas' must map area ids to their contacts")
    for area_id, entry in raw_areas.items():
        where = f"{path.name}, area {area_id!r}"
        set_policy = entry.get("set_policy", True) if isinstance(entry, dict) else True
        if not isinstance(entry, dict) or not entry.get("name"):
            raise GuidanceError(f"{where}: needs a 'name'")
        if set_policy and not entry.get("prevent_inbox"):
            raise GuidanceError(f"{where}: a SET area needs its 'prevent_inbox'")
        citation = str(entry.get("citation", data.get("citation", "SET Annex B")))
        if citation not in sources:
            raise GuidanceError(f"{where}: unknown citation {citation!r}")
        contacts = []
        for c in entry.get("contacts") or []:
            if not isinstance(c, dict) or not c.get("name") or not c.get("role"):
                raise GuidanceError(f"{where}: each contact needs 'name' and 'role'")
            contacts.append(
                Contact(
                    name=str(c["name"]),
                    role=str(c["role"]),
                    email=str(c.get("email", "")),
                    phone=str(c.get("phone", "")),
                )
            )
        areas[str(area_id).lower()] = Area(
            id=str(area_id).lower(),
            name=str(entry["name"]),
            prevent_inbox=str(entry.get("prevent_inbox") or ""),
            contacts=tuple(contacts),
            citation=citation,
            dated=" ".join(str(entry.get("dated") or data.get("dated") or "").split()),
            topic=str(entry.get("topic") or ""),
            places=tuple(p.lower() for p in _strings(entry.get("places"), where, "places")),
            within=str(entry.get("within") or "").lower(),
            set_policy=bool(set_policy),
            replaces=_strings(entry.get("replaces"), where, "replaces"),
        )
    if not any(a.set_policy for a in areas.values()):
        raise GuidanceError(f"{path.name}: at least one area must follow the SET policy")
    team = PolicePreventTeam(
        phone=str(police["phone"]),
        inbox=str(police["inbox"]),
        citation=str(police.get("citation", "SET 2.5")),
    )
    return areas, team, str(data.get("citation", "SET Annex B")), str(data.get("dated", ""))


def _area_topics(path: Path, topics: dict[str, Topic], areas: dict[str, Area]) -> dict[str, Any]:
    """contacts.yml's `area_topics`, checked against the topics (and each area's own topic)."""
    data = _read_yaml(path)
    raw = data.get("area_topics") if isinstance(data, dict) else None
    raw = raw if isinstance(raw, dict) else {}
    out = {}
    for key, field_name in (("any", "area_topics_any"), ("outside_set", "area_topics_outside_set")):
        ids = _strings(raw.get(key), f"{path.name}, area_topics", key)
        unknown = [t for t in ids if t not in topics]
        if unknown:
            raise GuidanceError(f"{path.name}: area_topics.{key} names unknown topics {unknown}")
        out[field_name] = frozenset(ids)
    for area in areas.values():
        if area.topic and area.topic not in topics:
            raise GuidanceError(f"{path.name}, area {area.id!r}: unknown topic {area.topic!r}")
        unknown = [t for t in area.replaces if t not in topics]
        if unknown:
            raise GuidanceError(f"{path.name}, area {area.id!r}: 'replaces' unknown {unknown}")
        if area.within and area.within not in areas:
            raise GuidanceError(f"{path.name}, area {area.id!r}: unknown 'within' {area.within!r}")
    return out


def _load_replies(path: Path, data: dict[str, Any], sources: dict[str, Source]) -> list[Reply]:
    replies = []
    for reply_id, entry in (data.get("replies") or {}).items():
        where = f"{path.name}, reply {reply_id!r}"
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise GuidanceError(f"{where}: needs a 'text'")
        citations = _strings(entry.get("citations"), where, "citations")
        unknown = [c for c in citations if c not in sources]
        if not citations or unknown:
            raise GuidanceError(f"{where}: needs known citations (unknown: {unknown})")
        replies.append(
            Reply(
                id=str(reply_id),
                text=" ".join(entry["text"].split()),
                reasons=_strings(entry.get("reasons"), where, "reasons"),
                citations=citations,
            )
        )
    return replies


def _load_topics(path: Path, data: Any, sources: dict[str, Source]) -> list[Topic]:
    if not isinstance(data, dict) or not (
        isinstance(data.get("topics"), list) or isinstance(data.get("replies"), dict)
    ):
        raise GuidanceError(f"{path.name}: expected a 'topics:' list or a 'replies:' mapping")
    topics = []
    for i, entry in enumerate(data.get("topics") or []):
        label = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path.name}, entry {label!r}" if label else f"{path.name}, entry #{i + 1}"
        if not isinstance(entry, dict):
            raise GuidanceError(f"{where}: must be a mapping")
        for required in ("id", "title", "answer"):
            if not isinstance(entry.get(required), str) or not entry[required].strip():
                raise GuidanceError(f"{where}: '{required}' is missing or empty")
        citations = _strings(entry.get("citations"), where, "citations")
        if not citations:
            raise GuidanceError(f"{where}: every entry must cite at least one source")
        unknown = [c for c in citations if c not in sources]
        if unknown:
            raise GuidanceError(f"{where}: unknown citation(s) {unknown}; add them to sources.yml")
        examples = _strings(entry.get("examples"), where, "examples")
        if len(examples) < MIN_EXAMPLES:
            raise GuidanceError(f"{where}: needs at least {MIN_EXAMPLES} example questions")
        topics.append(
            Topic(
                id=entry["id"].strip(),
                title=entry["title"].strip(),
                answer=" ".join(entry["answer"].split()),
                citations=citations,
                examples=examples,
                keywords=_strings(entry.get("keywords"), where, "keywords"),
                related=_strings(entry.get("related"), where, "related"),
                dated=" ".join(str(entry.get("dated") or "").split()),
                file=path.name,
            )
        )
    return topics


#: More example questions per topic, kept apart from the topics so that writers who never
#: saw the answers (or each other's work) can add paraphrases without touching policy text.
#: Each file: ``examples: {topic_id: [question, ...]}``.
EXTRA_EXAMPLES_DIR = "examples"


def _with_extra_examples(
    folder: Path, topics: dict[str, Topic], contacts_data: Any = None
) -> dict[str, Topic]:
    if not folder.is_dir():
        return topics
    merged = dict(topics)
    for path in sorted(folder.glob("*.yml")):
        data = _with_contacts(_read_yaml(path), contacts_data, f"examples/{path.name}")
        extra = data.get("examples") if isinstance(data, dict) else None
        if not isinstance(extra, dict):
            raise GuidanceError(f"examples/{path.name}: expected an 'examples:' mapping")
        for topic_id, questions in extra.items():
            if topic_id not in merged:
                raise GuidanceError(f"examples/{path.name}: unknown topic {topic_id!r}")
            more = _strings(questions, f"examples/{path.name}, {topic_id!r}", "examples")
            topic = merged[topic_id]
            seen = set(topic.examples)
            added = tuple(q for q in more if q not in seen)
            merged[topic_id] = dataclasses.replace(topic, examples=topic.examples + added)
    return merged


def _with_contacts(node: Any, contacts_data: Any, file_name: str) -> Any:
    """Numbers and addresses live only in contacts.yml: ``{contact.x}`` in any text is filled."""
    try:
        return fill_contacts_in(node, contacts_data if isinstance(contacts_data, dict) else {})
    except WordingError as exc:
        raise GuidanceError(f"{file_name}: {exc}") from exc


def load_guidance(directory: Path) -> GuidanceBase:
    """Load every guidance file in ``directory`` and check it hangs together.

    Raises:
        GuidanceError: naming the file and entry at fault.
    """
    if not directory.is_dir():
        raise GuidanceError(f"guidance folder not found: {directory}")
    sources = _load_sources(directory / SOURCES_FILE)
    areas, police, contacts_citation, contacts_dated = _load_contacts(
        directory / CONTACTS_FILE, sources
    )
    contacts_data = _read_yaml(directory / CONTACTS_FILE)
    topics: dict[str, Topic] = {}
    replies: dict[str, Reply] = {}
    files = []
    for path in sorted(directory.glob("*.yml")):
        if path.name in (SOURCES_FILE, CONTACTS_FILE, INTERFACE_FILE):
            continue
        files.append(path.name)
        data = _with_contacts(_read_yaml(path), contacts_data, path.name)
        for reply in _load_replies(path, data if isinstance(data, dict) else {}, sources):
            replies[reply.id] = reply
        for topic in _load_topics(path, data, sources):
            if topic.id in topics:
                raise GuidanceError(
                    f"{path.name}, entry {topic.id!r}: id already used in {topics[topic.id].file}"
                )
            topics[topic.id] = topic
    if not topics:
        raise GuidanceError(f"no topics found in {directory}")
    topics = _with_extra_examples(directory / EXTRA_EXAMPLES_DIR, topics, contacts_data)
    for topic in topics.values():
        missing = [r for r in topic.related if r not in topics]
        if missing:
            raise GuidanceError(f"{topic.file}, entry {topic.id!r}: unknown related {missing}")
    return GuidanceBase(
        sources=sources,
        topics=topics,
        areas=areas,
        police=police,
        replies=replies,
        contacts_citation=contacts_citation,
        contacts_dated=contacts_dated,
        files=tuple(files),
        **_area_topics(directory / CONTACTS_FILE, topics, areas),
        subjects=load_subjects(directory),
        elsewhere=load_elsewhere(directory),
        shared_subjects=load_shared(directory),
        off_topic_examples=load_off_topic_examples(directory),
        beyond=load_beyond(directory)[0],
        process_subjects=load_beyond(directory)[1],
    )


def get_guidance(directory: Path | None = None) -> GuidanceBase:
    """The process-wide knowledge base (loaded once per folder, however it is named)."""
    from bot.config import get_config

    return _loaded(Path(directory or get_config().guidance_dir))


@functools.lru_cache(maxsize=4)
def _loaded(directory: Path) -> GuidanceBase:
    return load_guidance(directory)
