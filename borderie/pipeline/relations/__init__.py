"""Relation extraction within one sentence: event triggers (``triggers``), pair and
argument features (``features``), linear weights (``model``) and the spaCy
component (``component``)."""

from .component import (
    NONE,
    RelationExtractor,
    candidate_pairs,
    partner_groups,
    reciprocal_returns,
    relation,
    role_candidates,
    sentence_contexts,
    sentence_groups,
    share_partners,
)
from .features import SentenceContext, arg_features, doc_norms, pair_features
from .model import LinearModel
from .triggers import TRIGGERS, Trigger, find_triggers

__all__ = [
    "NONE", "LinearModel", "RelationExtractor", "SentenceContext", "TRIGGERS", "Trigger", "arg_features",
    "candidate_pairs", "doc_norms", "find_triggers", "pair_features", "partner_groups", "reciprocal_returns", "relation",
    "role_candidates", "sentence_contexts", "sentence_groups", "share_partners",
]
