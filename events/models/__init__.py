from .actor import Actor, ActorAlias, ActorKind, Affiliation, AffiliationKind
from .article import Article
from .base import Precision, PublishableModel, Status, TimeStampedModel
from .claim import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimRelation,
    ClaimRelationKind,
    ClaimSource,
    Metric,
    Mode,
    Participation,
    Qualifier,
    Role,
    best_figure,
    figure_series,
)
from .event import Event, EventRelation, EventRelationKind, EventType
from .location import Location, LocationAlias, LocationKind

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorKind",
    "Affiliation",
    "AffiliationKind",
    "Article",
    "Assessment",
    "Claim",
    "ClaimKind",
    "ClaimRelation",
    "ClaimRelationKind",
    "ClaimSource",
    "Event",
    "EventRelation",
    "EventRelationKind",
    "EventType",
    "Location",
    "LocationAlias",
    "LocationKind",
    "Metric",
    "Mode",
    "Participation",
    "Precision",
    "PublishableModel",
    "Qualifier",
    "Role",
    "Status",
    "TimeStampedModel",
    "best_figure",
    "figure_series",
]
