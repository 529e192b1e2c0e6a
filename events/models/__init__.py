from .actor import Actor, ActorAlias, ActorKind, Affiliation, AffiliationKind
from .article import Article, ArticleKind
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
from .editorial import Correction, CorrectionKind, Mention, SlugRedirect
from .event import Event, EventRelation, EventRelationKind, EventSummaryVersion, EventType
from .location import Location, LocationAlias, LocationKind
from .record import LoadedRow
from .tombstone import Tombstone, TombstoneKind

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorKind",
    "Affiliation",
    "AffiliationKind",
    "Article",
    "ArticleKind",
    "Assessment",
    "Claim",
    "ClaimKind",
    "ClaimRelation",
    "ClaimRelationKind",
    "ClaimSource",
    "Correction",
    "CorrectionKind",
    "Event",
    "EventRelation",
    "EventRelationKind",
    "EventSummaryVersion",
    "EventType",
    "Location",
    "LocationAlias",
    "LoadedRow",
    "LocationKind",
    "Mention",
    "Metric",
    "Mode",
    "Participation",
    "Precision",
    "PublishableModel",
    "Qualifier",
    "Role",
    "SlugRedirect",
    "Status",
    "TimeStampedModel",
    "Tombstone",
    "TombstoneKind",
    "best_figure",
    "figure_series",
]
